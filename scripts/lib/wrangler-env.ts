/**
 * Environment for every wrangler / miniflare we start: nothing may reach the
 * internet at run or test time (no metrics, no Request.cf download from
 * workers.cloudflare.com, no npm update check behind the banner).
 */
export function offlineWranglerEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    WRANGLER_SEND_METRICS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_HIDE_BANNER: 'true',
  };
}
