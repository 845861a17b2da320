/**
 * A request answered before its body was read (a 401 on a POST, a refused origin) has the body
 * read to its end before the answer goes. Left unread, `wrangler dev`'s proxy hangs a later
 * request for good: about one in twelve after such an answer (the miniflare#577 class of bug;
 * tests/e2e/unread-body.test.ts). workerd refuses to read a request's body once the response
 * is sent, so this cannot wait for waitUntil. A body past DRAIN_LIMIT_BYTES (a refused
 * upload) is cancelled instead: reading megabytes to answer "no" would cost more than it saves.
 */
import type { MiddlewareHandler } from 'hono';
import { MAX_JSON_BODY_BYTES } from './validate';

/** Four times any JSON body the API reads (64 KiB), far below a file. */
export const DRAIN_LIMIT_BYTES = 4 * MAX_JSON_BODY_BYTES;

async function drain(body: ReadableStream<Uint8Array>): Promise<void> {
  const reader = body.getReader();
  let read = 0;
  try {
    while (read <= DRAIN_LIMIT_BYTES) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away: nothing left to drain.
  }
}

export const drainUnreadBody: MiddlewareHandler = async (c, next) => {
  await next();
  const { body, bodyUsed } = c.req.raw;
  // A body read in part (a 413 past its limit) or handed on (to R2) is its reader's business.
  if (!body || bodyUsed || body.locked) return;
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > DRAIN_LIMIT_BYTES) return void (await body.cancel().catch(() => {}));
  await drain(body);
};
