import { Navigate, useLocation } from '@remix-run/react';
import type { ReactNode } from 'react';
import { useAuth } from '../context/AuthContext';
import { Splash } from './Splash';

/** Renders children for a signed-in user; sends everyone else to /login and back afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, signedOut } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <Splash />;
  if (status === 'anonymous') {
    if (signedOut) return <Navigate to="/login" replace />;
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

/** Only same-site paths: never an open redirect. */
export function safeNext(value: string | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/chat';
  return value;
}
