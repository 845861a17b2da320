/**
 * What counts as a web origin where one is written into a header (CSP
 * frame-ancestors for embedding): `http(s)://host[:port]` and nothing else.
 * The URL parser alone is not enough: it accepts hosts such as `a.com;x`,
 * `a,b`, `'self'` or `*.a.com`, which inside a CSP would add directives or
 * sources. Hosts are DNS names of letters, digits and hyphens, IPv4 addresses,
 * or bracketed IPv6 addresses.
 */
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const ORIGIN = new RegExp(
  `^https?://(?:${LABEL}(?:\\.${LABEL})*|\\[[0-9a-f:.]+\\])(?::[0-9]{1,5})?$`,
);

export function isWebOrigin(value: string): boolean {
  if (value.length > 200 || !ORIGIN.test(value)) return false;
  try {
    // Also canonical: lower case, no default port, as a browser would send it.
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}
