import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from '@remix-run/react';
import type { LinksFunction, MetaFunction } from '@remix-run/cloudflare';
import { useEffect, type ReactNode } from 'react';
import { AuthProvider } from './context/AuthContext';
import { PresenceProvider } from './context/PresenceContext';
import { useNonce } from './lib/nonce';
import { THEME_SCRIPT } from './lib/theme';
import styles from './styles/app.css?url';
import attachmentStyles from './styles/attachments.css?url';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: styles },
  { rel: 'stylesheet', href: attachmentStyles },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
  { rel: 'manifest', href: '/manifest.webmanifest' },
  { rel: 'apple-touch-icon', href: '/icon-192.png' },
];

export const meta: MetaFunction = () => [{ title: 'edge-chat' }];

/** In the layout, not `meta`: a route's own `meta` (its title) replaces its parents' entirely. */
const DESCRIPTION = 'Fast, private chat and calls.';

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* The theme before the first paint (lib/theme.ts). */}
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover, interactive-widget=resizes-content" />
        <meta name="description" content={DESCRIPTION} />
        <meta name="color-scheme" content="light dark" />
        <meta name="theme-color" content="#f6f7fb" media="(prefers-color-scheme: light)" />
        <meta name="theme-color" content="#0f1218" media="(prefers-color-scheme: dark)" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

/** The service worker (web/service-worker/sw.js): installable app, navigation that works offline. */
function useServiceWorker() {
  useEffect(() => {
    if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const register = () => {
      navigator.serviceWorker
        .register('/sw.js')
        .then((reg) => {
          // An install that failed (the network dropped mid-way) leaves no worker: try again
          // in a while rather than only on the next page load.
          const watch = (worker: ServiceWorker | null) =>
            worker?.addEventListener('statechange', () => {
              if (worker.state === 'redundant' && !reg.active) retry = setTimeout(register, 15_000);
            });
          watch(reg.installing);
          reg.addEventListener('updatefound', () => watch(reg.installing));
        })
        .catch(() => {
          // Not available (private mode, partitioned frame): the app works online as before.
        });
    };
    register();
    // Loaded while the worker was activating, this page can miss its claim: ask for it.
    void navigator.serviceWorker.ready.then((reg) => {
      if (!navigator.serviceWorker.controller) reg.active?.postMessage({ type: 'claim' });
    });
    return () => clearTimeout(retry);
  }, []);
}

export default function App() {
  useServiceWorker();
  return (
    <AuthProvider>
      <PresenceProvider>
        <Outlet />
      </PresenceProvider>
    </AuthProvider>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <main className="center-page">
      <div className="card">
        <h1>{notFound ? 'Page not found' : 'Something went wrong'}</h1>
        <p className="muted">
          {notFound ? 'There is nothing at this address.' : 'An unexpected error happened. Reloading the page usually helps.'}
        </p>
        <a className="btn btn--primary" href="/chat">
          Go to your chats
        </a>
      </div>
    </main>
  );
}
