/** zod at the REST boundary: a body or query that does not parse is a 400 with the reasons. */
import type { Context } from 'hono';
import { z } from 'zod';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../../durable-objects/protocol';
import { badRequest, HttpError } from './errors';

export const MAX_JSON_BODY_BYTES = 16 * 1024;

const tooLarge = (maxBytes: number) => new HttpError(413, 'payload_too_large', `body exceeds ${maxBytes} bytes`);

/**
 * The body as text, read as a stream and abandoned as soon as it passes the
 * limit: a body without Content-Length (chunked) is never buffered in full.
 */
export async function readLimitedText(request: Request, maxBytes = MAX_JSON_BODY_BYTES): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

export async function readJson<S extends z.ZodType>(c: Context, schema: S, maxBytes = MAX_JSON_BODY_BYTES): Promise<z.infer<S>> {
  const text = await readLimitedText(c.req.raw, maxBytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badRequest('body is not valid JSON');
  }
  return parseWith(schema, json);
}

export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query());
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  if (hasUnstorableText(value)) throw badRequest(UNSTORABLE_TEXT_MESSAGE);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw badRequest(z.prettifyError(parsed.error), z.flattenError(parsed.error as z.ZodError<unknown>).fieldErrors);
  }
  return parsed.data;
}

export const uuidParam = z.uuid({ error: 'not a valid id' });

/** Any string in a parsed body or query that Postgres could not store (see protocol.ts). */
function hasUnstorableText(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return !isStorableText(value);
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, v]) => !isStorableText(key) || hasUnstorableText(v, depth + 1));
}
