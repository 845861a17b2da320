/** Content-Security-Policy editing, kept free of runtime imports so it is unit-testable in Node. */

/** Replaces (or adds) the frame-ancestors directive of a CSP header value. */
export function withFrameAncestors(policy: string, sources: string[]): string {
  const directives = policy
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d && !d.startsWith('frame-ancestors'));
  return [...directives, `frame-ancestors ${sources.join(' ')}`].join('; ');
}
