/**
 * The token of a mailed link (`/reset-password#token=…`). It rides in the fragment, which the
 * browser never sends to a server or in a Referer; once read it is wiped from the address bar
 * and history.
 */
export function takeLinkToken(): string | null {
  if (typeof window === 'undefined') return null;
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (token) window.history.replaceState(null, '', window.location.pathname);
  return token;
}
