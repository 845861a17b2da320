/**
 * Login sessions. A session is a row in Postgres and a refresh token in an
 * HttpOnly cookie (scripts cannot read it, so XSS cannot steal it); short-lived
 * access JWTs are minted from it. Logout revokes the row: the next refresh
 * fails, and the Worker closes the session's sockets.
 */
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Database } from '../../drizzle/connection';
import { retiredRefreshTokens, sessions } from '../../drizzle/schema';
import { deleteSessionSubscription } from '../../drizzle/queries/push-subscriptions';
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

/** `device`: the short label of the browser signing in (device-label.ts), null when unknown. */
export async function createSession(db: Database, userId: string, ttlSeconds: number, device: string | null) {
  const refreshToken = randomToken();
  const now = new Date();
  const [row] = await db
    .insert(sessions)
    .values({
      userId,
      tokenHash: await hashToken(refreshToken),
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
      device,
      // One clock for both: the session is active from the moment it begins.
      createdAt: now,
      lastActiveAt: now,
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

/** The live session of a current or rotated-away refresh token: logout with a stale cookie still ends it. */
export async function findSessionByAnyToken(db: Database, refreshToken: string): Promise<SessionInfo | undefined> {
  const current = await findSessionByToken(db, refreshToken);
  if (current) return current;
  const [row] = await db
    .select({ id: sessions.id, userId: sessions.userId, expiresAt: sessions.expiresAt })
    .from(retiredRefreshTokens)
    .innerJoin(sessions, eq(sessions.id, retiredRefreshTokens.sessionId))
    .where(and(eq(retiredRefreshTokens.tokenHash, await hashToken(refreshToken)), isNull(sessions.revokedAt)))
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

/**
 * How long a just-rotated refresh token is still honoured (with an access token
 * but no new cookie): two tabs reloading at once both present the same cookie.
 */
export const REFRESH_REUSE_GRACE_MS = 10_000;

export type RefreshOutcome =
  /** The token was current: here is its successor, to set as the cookie. */
  | { kind: 'rotated'; session: SessionInfo; refreshToken: string }
  /** The token was rotated moments ago by a concurrent refresh: the other response sets the cookie. */
  | { kind: 'concurrent'; session: SessionInfo }
  /** The token was rotated long ago and came back: stolen. The session is revoked now. */
  | { kind: 'reused'; session: SessionInfo }
  | { kind: 'invalid' };

/**
 * Refresh-token rotation with reuse detection (OAuth 2.0 Security BCP §4.14):
 * every refresh replaces the session's token, and the old one is remembered.
 * The swap is one statement, so two refreshes of one token cannot both rotate.
 * It also notes the session active now and, when `device` names one (the
 * browser updated, or the session began through the API), its device label.
 */
export async function rotateRefreshToken(db: Database, refreshToken: string, device: string | null, now = new Date()): Promise<RefreshOutcome> {
  const oldHash = await hashToken(refreshToken);
  const next = randomToken();
  const nextHash = await hashToken(next);
  const rotated = await db.execute<{ id: string; user_id: string; expires_at: string }>(sql`
    with rotated as (
      update ${sessions} set token_hash = ${nextHash}, last_active_at = ${now.toISOString()}, device = coalesce(${device}, device)
      where token_hash = ${oldHash} and revoked_at is null and expires_at > ${now.toISOString()}
      returning id, user_id, expires_at
    ), retired as (
      insert into ${retiredRefreshTokens} (token_hash, session_id, retired_at)
      select ${oldHash}, id, ${now.toISOString()} from rotated
    )
    select id, user_id, expires_at from rotated
  `);
  const row = rotated.rows[0];
  if (row) {
    return { kind: 'rotated', session: { id: row.id, userId: row.user_id, expiresAt: new Date(row.expires_at) }, refreshToken: next };
  }
  const [retired] = await db
    .select({ id: sessions.id, userId: sessions.userId, expiresAt: sessions.expiresAt, revokedAt: sessions.revokedAt, retiredAt: retiredRefreshTokens.retiredAt })
    .from(retiredRefreshTokens)
    .innerJoin(sessions, eq(sessions.id, retiredRefreshTokens.sessionId))
    .where(eq(retiredRefreshTokens.tokenHash, oldHash))
    .limit(1);
  if (!retired || retired.revokedAt || retired.expiresAt <= now) return { kind: 'invalid' };
  const session = { id: retired.id, userId: retired.userId, expiresAt: retired.expiresAt };
  if (now.getTime() - retired.retiredAt.getTime() < REFRESH_REUSE_GRACE_MS) return { kind: 'concurrent', session };
  await revokeSession(db, session.id);
  return { kind: 'reused', session };
}

export async function revokeSession(db: Database, sessionId: string): Promise<void> {
  await db.update(sessions).set({ revokedAt: new Date() }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
  // The device's push subscription ends with its session: a signed-out browser hears nothing more.
  await deleteSessionSubscription(db, sessionId);
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
  return readRefreshCookieWithContext(c)?.token;
}

/** The refresh cookie and which kind it is, so a rotated token goes back into the same kind. */
export function readRefreshCookieWithContext(c: Context): { token: string; context: SessionContext } | undefined {
  const app = getCookie(c, REFRESH_COOKIE);
  if (app) return { token: app, context: 'app' };
  const embed = getCookie(c, EMBED_REFRESH_COOKIE);
  return embed ? { token: embed, context: 'embed' } : undefined;
}

export function clearRefreshCookie(c: Context): void {
  for (const context of ['app', 'embed'] as const) {
    const { name, ...options } = cookieOptions(context);
    deleteCookie(c, name, { ...options, path: COOKIE_PATH, secure: true, httpOnly: true });
  }
}
