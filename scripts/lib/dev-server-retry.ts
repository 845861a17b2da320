/**
 * `wrangler dev`'s proxy answers 503 "Your worker restarted mid-request" when the local
 * runtime restarted while a request was in flight; it retries GET and HEAD itself and asks
 * the client to send anything else again. That answer is the local dev server's, never the
 * product's (no route sends it), so sending once more hides nothing the app does; any other
 * 503 is returned as it is.
 */
export const DEV_SERVER_RESTARTED = 'Your worker restarted mid-request.';

export function retryDevServerRestarts(fetchFn: typeof fetch, warn: (message: string) => void = console.warn): typeof fetch {
  return async (input, init) => {
    // A Request's body can be read once: keep a copy to send again.
    const again = input instanceof Request ? input.clone() : input;
    const res = await fetchFn(input, init);
    if (res.status !== 503 || res.headers.get('content-type')?.includes('json')) return res;
    if (!(await res.clone().text()).startsWith(DEV_SERVER_RESTARTED)) return res;
    warn(`[dev server] ${DEV_SERVER_RESTARTED} Sending the request again.`);
    return fetchFn(again, init);
  };
}
