/**
 * Setup file of the e2e and browser projects: their `fetch` sends a request once more when
 * `wrangler dev`'s proxy says the local runtime restarted mid-request (scripts/lib/dev-server-retry.ts).
 */
import { retryDevServerRestarts } from '../../scripts/lib/dev-server-retry';

globalThis.fetch = retryDevServerRestarts(globalThis.fetch);
