/**
 * Server rendering in the Worker. The app is client-driven (no loaders touch the database),
 * so this mostly renders the shell; it also sets the security headers of every page: a strict
 * Content-Security-Policy with a per-response script nonce, no framing except for /embed pages.
 */
import type { AppLoadContext, EntryContext } from '@remix-run/cloudflare';
import { RemixServer } from '@remix-run/react';
import { isbot } from 'isbot';
import { renderToReadableStream } from 'react-dom/server';
import { NonceContext } from './lib/nonce';

function makeNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

export function securityHeaders(url: URL, nonce: string): Record<string, string> {
  const embed = url.pathname.startsWith('/embed/');
  const ws = `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${ws}`,
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    // Embeds: the Worker widens this to the room's allowed origins (worker/http/page-headers.ts).
    // Everything else is never framed.
    `frame-ancestors ${embed ? "'self'" : "'none'"}`,
  ].join('; ');
  const headers: Record<string, string> = {
    'Content-Security-Policy': csp,
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Content-Type-Options': 'nosniff',
    // Calls: camera, microphone and screen sharing for this origin only.
    'Permissions-Policy': 'camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=()',
    'Cache-Control': 'no-cache',
  };
  if (!embed) headers['X-Frame-Options'] = 'DENY';
  return headers;
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  const nonce = makeNonce();
  let status = responseStatusCode;
  const body = await renderToReadableStream(
    <NonceContext.Provider value={nonce}>
      <RemixServer context={remixContext} url={request.url} nonce={nonce} />
    </NonceContext.Provider>,
    {
      nonce,
      signal: request.signal,
      onError(error: unknown) {
        if (!request.signal.aborted) console.error('render error', error);
        status = 500;
      },
    },
  );
  if (isbot(request.headers.get('user-agent') || '')) await body.allReady;

  responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
  for (const [k, v] of Object.entries(securityHeaders(new URL(request.url), nonce))) {
    if (!responseHeaders.has(k)) responseHeaders.set(k, v);
  }
  return new Response(body, { headers: responseHeaders, status });
}
