/**
 * Which push endpoints the server will POST to. A subscription's endpoint comes from the
 * browser, so from whoever holds a session: without a rule it would make the Worker send
 * requests to any address (SSRF). An endpoint must be https on the default port to a public
 * host name, without credentials; IP literals, localhost and internal names are refused.
 * The only exception is an origin listed in PUSH_TEST_ENDPOINT_ORIGINS (tests' local push
 * service), which is empty unless set.
 */

const MAX_ENDPOINT_LENGTH = 1024;
/** Names that resolve inside a network, not on the internet. */
const INTERNAL_NAME = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa|corp)$/i;

/** Why this endpoint is refused, or null when it is acceptable. */
export function pushEndpointProblem(endpoint: string, testOrigins: readonly string[]): string | null {
  if (endpoint.length > MAX_ENDPOINT_LENGTH) return `the endpoint is longer than ${MAX_ENDPOINT_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'the endpoint is not a URL';
  }
  if (url.username || url.password) return 'the endpoint must not carry credentials';
  if (testOrigins.includes(url.origin) && (url.protocol === 'http:' || url.protocol === 'https:')) return null;
  if (url.protocol !== 'https:') return 'the endpoint must be https';
  if (url.port !== '') return 'the endpoint must use the default https port';
  const host = url.hostname;
  if (host.startsWith('[') || /^[\d.]+$/.test(host)) return 'the endpoint must name a host, not an IP address';
  if (!host.includes('.') || INTERNAL_NAME.test(host)) return 'the endpoint must be a public host';
  return null;
}
