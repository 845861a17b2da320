/**
 * fetch for link previews: every hop's URL passes the address guard before it is
 * requested (redirects are followed by hand, `redirect: 'manual'`, at most
 * MAX_REDIRECTS), one deadline covers all hops and the body, and a body is read
 * only up to a byte limit (the rest is never downloaded: the stream is cancelled).
 */
import { refusalFor, type AllowedHosts } from './address-guard';

export const MAX_REDIRECTS = 3;

/**
 * A preview could not be made (refused address, unreachable, too slow, not a page): an
 * expected outcome, not a failed request. The route answers `preview: null` with the reason
 * and the sender's message goes without a preview.
 */
export class NoPreview extends Error {
  constructor(
    readonly code: 'link_refused' | 'preview_timeout' | 'no_preview',
    message: string,
  ) {
    super(message);
  }
}

export const noPreview = (code: NoPreview['code'], message: string) => new NoPreview(code, message);

export interface GuardedResponse {
  response: Response;
  /** Where the body came from, after redirects. */
  url: URL;
}

export async function guardedFetch(start: URL, accept: string, allowed: AllowedHosts, signal: AbortSignal): Promise<GuardedResponse> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const refusal = refusalFor(url, allowed);
    if (refusal) throw noPreview('link_refused', hop === 0 ? refusal : `the link redirects to a place that gets no preview: ${refusal}`);
    const response = await fetch(url.href, {
      redirect: 'manual',
      signal,
      headers: { accept, 'user-agent': 'edge-chat-link-preview/1' },
    }).catch(() => {
      throw signal.aborted ? timedOut() : noPreview('no_preview', 'the site could not be reached');
    });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || !location) return { response, url };
    await response.body?.cancel().catch(() => {});
    if (hop >= MAX_REDIRECTS) throw noPreview('no_preview', `the link redirects more than ${MAX_REDIRECTS} times`);
    try {
      url = new URL(location, url);
    } catch {
      throw noPreview('no_preview', 'the link redirects to an address that is not a URL');
    }
    url.hash = '';
  }
}

export const timedOut = () => noPreview('preview_timeout', 'the site did not answer in time');

/**
 * Up to `maxBytes` of the body, and whether there was more (then the rest is not read).
 * Each read races the deadline: a body that stalls ends with `preview_timeout`.
 */
export async function readLimited(response: Response, maxBytes: number, signal: AbortSignal): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const reader = response.body?.getReader();
  if (!reader) return { bytes: new Uint8Array(0), truncated: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(timedOut());
    signal.addEventListener('abort', () => reject(timedOut()), { once: true });
  });
  aborted.catch(() => {});
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      if (size + value.byteLength > maxBytes) {
        chunks.push(value.subarray(0, maxBytes - size));
        size = maxBytes;
        truncated = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    // Stops the download: a huge or endless body costs at most maxBytes.
    void reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { bytes, truncated };
}
