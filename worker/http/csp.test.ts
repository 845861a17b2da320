import { describe, expect, it } from 'vitest';
import { withFrameAncestors } from './csp';

describe('withFrameAncestors', () => {
  it('replaces only the frame-ancestors directive', () => {
    const policy = "default-src 'self'; script-src 'self' 'nonce-abc'; frame-ancestors 'self'";
    expect(withFrameAncestors(policy, ["'self'", 'https://a.example'])).toBe(
      "default-src 'self'; script-src 'self' 'nonce-abc'; frame-ancestors 'self' https://a.example",
    );
  });

  it('adds the directive when the policy has none', () => {
    expect(withFrameAncestors("default-src 'self';", ["'none'"])).toBe("default-src 'self'; frame-ancestors 'none'");
  });
});
