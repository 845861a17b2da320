import { describe, expect, it } from 'vitest';
import { HSTS, securityHeadersFor } from './security-headers';

describe('securityHeadersFor', () => {
  it('adds HSTS only over HTTPS (production), no-store only under /api', () => {
    expect(securityHeadersFor(new URL('https://chat.example/api/auth/login'))).toEqual({
      'x-content-type-options': 'nosniff',
      'strict-transport-security': HSTS,
      'cache-control': 'no-store',
    });
    expect(securityHeadersFor(new URL('http://127.0.0.1:8787/chat'))).toEqual({ 'x-content-type-options': 'nosniff' });
  });
});
