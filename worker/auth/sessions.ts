/**
 * Login sessions. A session is a row in Postgres and a refresh token in an
 * HttpOnly cookie (scripts cannot read it, so XSS cannot steal it); short-lived
 * access JWTs are minted from it. Logout revokes the row: the next refresh
 * fails, and the Worker closes the session's sockets.
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Database } from '../../drizzle/connection';
import { sessions } from '../../drizzle/schema';
import { hashToken, randomToken } from './secret-tokens';

export const REFRESH_COOKIE = 'edge_chat_refresh';
/**
 * The refresh cookie of a sign-in made inside an embedded chat on another site.
 * A SameSite=Strict cookie is never sent to a third-party frame, so this one is
 * SameSite=None but Partitioned (CHIPS): the browser keys it to the embedding
 * site, so it is sent only to frames of this app on that site, never to the app
 * itself or to its frames elsewhere, and cannot follow the user across sites.
 */
export const EMBED_REFRESH_COOKIE = 'edge_chat_refresh_embed';
// Only the auth routes need it; every other request goes without it.
const COOKIE_PATH = '/api/auth';

export interface SessionInfo {
  id: string;
  userId: string;
  expiresAt: Date;
}

export async function createSession(db: Database, userId: string, ttlSeconds: number) {
  const refreshToken = randomToken();
  const [row] = await db
    .insert(sessions)
    .values({
      userId,
      tokenHash: await hashToken(refreshToken),
      expiresAt: new Date(Date.now() + ttlSeconds * 1000),
    })
    .returning({ id: sessions.id, userId: sessions.userId, expiresAt: sessions.expiresAt });
  return { session: row! satisfies SessionInfo, refreshToken };
}

export async function findSessionByToken(db: Database, refreshToken: string): Promise<SessionInfo | undefined> {
  const [row] = await db
    .select({ id: sessions.id, userId: sessions.userId, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(and(eq(sessions.tokenHash, await hashToken(refreshToken)), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())))
    .limit(1);
  return row;
}

export async function findActiveSession(db: Database, sessionId: string, userId: string): Promise<SessionInfo | undefined> {
  const [row] = await db
    .select({ id: sessions.id, userId: sessions.userId, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())))
    .limit(1);
  return row;
}

export async function revokeSession(db: Database, sessionId: string): Promise<void> {
  await db.update(sessions).set({ revokedAt: new Date() }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/** Where the session is used: the app itself, or an embedded chat on another site. */
export type SessionContext = 'app' | 'embed';

function cookieOptions(context: SessionContext) {
  return context === 'app'
    ? { name: REFRESH_COOKIE, sameSite: 'Strict' as const, partitioned: undefined }
    : { name: EMBED_REFRESH_COOKIE, sameSite: 'None' as const, partitioned: true as const };
}

export function setRefreshCookie(c: Context, refreshToken: string, expiresAt: Date, context: SessionContext = 'app'): void {
  const { name, ...options } = cookieOptions(context);
  setCookie(c, name, refreshToken, {
    ...options,
    httpOnly: true,
    // Browsers treat http://localhost and 127.0.0.1 as secure, so local dev works too.
    secure: true,
    path: COOKIE_PATH,
    expires: expiresAt,
  });
}

/** The app's refresh cookie, or else an embedded chat's (only one reaches any one request). */
export function readRefreshCookie(c: Context): string | undefined {
  return getCookie(c, REFRESH_COOKIE) ?? getCookie(c, EMBED_REFRESH_COOKIE);
}

export function clearRefreshCookie(c: Context): void {
  for (const context of ['app', 'embed'] as const) {
    const { name, ...options } = cookieOptions(context);
    deleteCookie(c, name, { ...options, path: COOKIE_PATH, secure: true, httpOnly: true });
  }
}
