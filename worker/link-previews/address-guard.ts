/**
 * Which URLs the Worker may fetch for a link preview (SSRF defence, docs/security.md).
 * Workers cannot resolve DNS themselves, so the check is on the URL as written:
 * only http(s), no credentials, the default ports, and no host that names a
 * private, loopback, link-local, CGNAT, multicast or otherwise internal address,
 * whether as an IP literal (in any of the forms the URL parser normalises) or as a
 * local-only name (`localhost`, `*.local`, single-label intranet names). A public
 * name that resolves to a private address is stopped by the platform in production:
 * a Worker's fetch cannot reach private networks. Every redirect hop is checked again.
 */

/**
 * `host:port` origins a test or development setup may fetch although they are local
 * (LINK_PREVIEW_ALLOW_HOSTS). Matched exactly, port included: another port of the same
 * address stays refused.
 */
export type AllowedHosts = readonly string[];

/** Why `url` may not be fetched, or undefined when it may. */
export function refusalFor(url: URL, allowed: AllowedHosts = []): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http and https links get previews';
  if (url.username || url.password) return 'links with a user name or password get no preview';
  if (allowed.includes(url.host)) return undefined;
  if (url.port !== '' && url.port !== '80' && url.port !== '443') return 'links to non-standard ports get no preview';
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('[')) return isPublicIpv6(host.slice(1, -1)) ? undefined : 'that address is not a public one';
  const v4 = parseIpv4(host);
  if (v4) return isPublicIpv4(v4) ? undefined : 'that address is not a public one';
  if (/^[0-9.]+$/.test(host) || /^0x/i.test(host)) return 'that address is not a public one';
  if (!host.includes('.')) return 'that name is not a public one';
  if (LOCAL_SUFFIXES.some((s) => host === s || host.endsWith(`.${s}`))) return 'that name is not a public one';
  return undefined;
}

/** Names that only ever mean something inside one machine or network (RFC 6761, 6762, 8375 and habit). */
const LOCAL_SUFFIXES = ['localhost', 'local', 'localdomain', 'internal', 'intranet', 'lan', 'home', 'corp', 'home.arpa', 'test', 'invalid', 'example'];

function parseIpv4(host: string): number[] | undefined {
  // The WHATWG URL parser already turned 0x7f.1, 2130706433 and 0177.0.0.1 into dotted decimal.
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

/** [first octet, prefix, mask bits] of the IPv4 ranges that are not the public internet. */
const PRIVATE_V4: [number[], number][] = [
  [[0, 0, 0, 0], 8], // "this network"
  [[10, 0, 0, 0], 8],
  [[100, 64, 0, 0], 10], // CGNAT
  [[127, 0, 0, 0], 8], // loopback
  [[169, 254, 0, 0], 16], // link-local, cloud metadata
  [[172, 16, 0, 0], 12],
  [[192, 0, 0, 0], 24], // IETF protocol assignments
  [[192, 0, 2, 0], 24], // documentation
  [[192, 88, 99, 0], 24], // 6to4 relay anycast
  [[192, 168, 0, 0], 16],
  [[198, 18, 0, 0], 15], // benchmarking
  [[198, 51, 100, 0], 24],
  [[203, 0, 113, 0], 24],
  [[224, 0, 0, 0], 4], // multicast
  [[240, 0, 0, 0], 4], // reserved, broadcast
];

const toInt = (p: number[]) => ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;

export function isPublicIpv4(parts: number[]): boolean {
  const address = toInt(parts);
  return !PRIVATE_V4.some(([net, bits]) => {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (address & mask) >>> 0 === (toInt(net) & mask) >>> 0;
  });
}

/**
 * Eight 16-bit groups of an IPv6 host as the URL parser prints it: compressed hex, lower
 * case, no zone, and never a dotted tail (`[::ffff:127.0.0.1]` becomes `[::ffff:7f00:1]`).
 */
function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const read = (s: string) => (s === '' ? [] : s.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const head = read(halves[0]!);
  const rest = halves.length === 2 ? read(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  return groups.some((g) => Number.isNaN(g)) ? undefined : groups;
}

export function isPublicIpv6(text: string): boolean {
  const g = parseIpv6(text);
  if (!g) return false;
  if (g.every((x) => x === 0)) return false; // ::
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return false; // ::1
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return false; // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return false; // fe80::/10 link-local
  if ((first & 0xffc0) === 0xfec0) return false; // fec0::/10 site-local (deprecated)
  if ((first & 0xff00) === 0xff00) return false; // multicast
  if (first === 0x2001 && g[1] === 0x0db8) return false; // documentation
  if (first === 0x2002) return false; // 6to4: carries an IPv4 address of any kind
  if (first === 0x0064 && g[1] === 0xff9b) return false; // NAT64: likewise
  if (g.slice(0, 5).every((x) => x === 0)) return false; // ::ffff:a.b.c.d mapped, ::a.b.c.d compatible, and the rest of ::/80
  return true;
}
