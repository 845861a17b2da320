import { describe, expect, it } from 'vitest';
import { isWebOrigin } from './origin-syntax';

describe('isWebOrigin', () => {
  it.each(['https://example.com', 'http://localhost:8787', 'https://a-b.c.example', 'http://127.0.0.1:3000', 'http://[::1]:8080'])(
    'accepts %s',
    (origin) => expect(isWebOrigin(origin)).toBe(true),
  );

  it.each([
    'https://a.com;script-src',
    'https://a.com,https://b.com',
    "https://'self'",
    'https://*.example.com',
    '*',
    'https://example.com/',
    'https://example.com/path',
    'https://user@example.com',
    'https://Example.com',
    'https://example.com:443',
    'javascript://x',
    "https://a.com'",
    'https://-a.com',
  ])('refuses %s', (origin) => expect(isWebOrigin(origin)).toBe(false));
});
