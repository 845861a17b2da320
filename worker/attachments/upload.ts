/**
 * Reading an upload's body without holding it: the declared length is checked
 * against the limit before a byte is read, the first bytes are read to check the
 * type, and the rest streams to R2 through a FixedLengthStream (R2 needs the
 * length up front; the stream errors if the body runs past or short of it).
 */
import type { Context } from 'hono';
import { HttpError, badRequest } from '../http/errors';
import { SNIFF_BYTES, sniffType } from './sniff';
import { SEALED_CONTENT_TYPE } from '../../durable-objects/protocol';

export interface Upload {
  /** Bytes, as declared by Content-Length (and enforced while streaming). */
  size: number;
  /** The type found in the bytes. */
  contentType: string;
  /** The whole body, for R2's put. */
  body: ReadableStream<Uint8Array>;
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/**
 * The request's body as an Upload of at most `maxBytes` whose type passes `allowed`, or a 4xx.
 * 'sealed' takes any bytes as SEALED_CONTENT_TYPE (a secret chat's encrypted file): ciphertext has no type to find.
 * `beforeBody` (quotas) sees the declared size before a byte is read.
 */
export async function readUpload(
  c: Context,
  maxBytes: number,
  allowed: ((type: string) => boolean) | 'sealed',
  beforeBody?: (size: number) => Promise<void>,
): Promise<Upload> {
  const header = c.req.header('content-length');
  if (!header || !/^\d+$/.test(header)) {
    throw new HttpError(411, 'length_required', 'uploads need a Content-Length header (send the file as the request body)');
  }
  const size = Number(header);
  if (size === 0) throw badRequest('the file is empty');
  if (size > maxBytes) throw new HttpError(413, 'too_large', `the file is ${megabytes(size)}; the limit is ${megabytes(maxBytes)}`);
  const source = c.req.raw.body;
  if (!source) throw badRequest('the file is empty');
  await beforeBody?.(size);
  const reader = source.getReader();
  const head = await readHead(reader, Math.min(SNIFF_BYTES, size));
  const contentType = allowed === 'sealed' ? SEALED_CONTENT_TYPE : sniffType(concat(head), c.req.header('content-type'));
  if (!contentType || (allowed !== 'sealed' && !allowed(contentType))) {
    await reader.cancel().catch(() => {});
    throw new HttpError(415, 'unsupported_type', unsupportedMessage(contentType));
  }
  const fixed = new FixedLengthStream(size);
  void replay(head, reader, fixed.writable).catch(() => {
    // The put sees the same error through the readable side and answers for it.
  });
  return { size, contentType, body: fixed.readable };
}

function unsupportedMessage(found: string | undefined): string {
  return found
    ? `files of type ${found} cannot be sent this way`
    : 'that kind of file is not accepted: images (PNG, JPEG, GIF, WebP), PDF, office documents, ZIP, plain text and audio are';
}

async function readHead(reader: ReadableStreamDefaultReader<Uint8Array>, want: number): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  let have = 0;
  while (have < want) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    have += value.byteLength;
  }
  return chunks;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out.subarray(0, SNIFF_BYTES);
}

async function replay(head: Uint8Array[], reader: ReadableStreamDefaultReader<Uint8Array>, sink: WritableStream<Uint8Array>) {
  const writer = sink.getWriter();
  try {
    for (const chunk of head) await writer.write(chunk);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await writer.write(value);
    }
    await writer.close();
  } catch (err) {
    await writer.abort(err).catch(() => {});
    await reader.cancel().catch(() => {});
    throw err;
  }
}
