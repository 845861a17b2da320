/**
 * JWTs signed with HS256 from JWT_SECRET. The algorithm is pinned on verify, so
 * `alg: none` or an RS/HS confusion token is rejected before its claims are read.
 * Two audiences: `access` (REST, and the `?token=` upgrade form) and `ws-ticket`
 * (single-use, room-bound, 60 s: safe to put in a URL, where access tokens leak
 * into logs and history).
 */
import { SignJWT, jwtVerify, errors } from 'jose';
import { unauthorized } from '../http/errors';

const ISSUER = 'edge-chat';
const ALGORITHM = 'HS256';
export const WS_TICKET_TTL_SECONDS = 60;

type Audience = 'access' | 'ws-ticket';

export interface AccessClaims {
  userId: string;
  username: string;
  /** The login session the token was minted from: logout revokes it. */
  sessionId: string;
  issuedAt: number;
}

export interface TokenSubject {
  id: string;
  username: string;
  sessionId: string;
}

export interface TicketClaims extends AccessClaims {
  roomId: string;
  ticketId: string;
  /** Epoch seconds. */
  expiresAt: number;
}

const keys = new Map<string, Uint8Array>();
function keyFor(secret: string): Uint8Array {
  let key = keys.get(secret);
  if (!key) {
    key = new TextEncoder().encode(secret);
    keys.set(secret, key);
  }
  return key;
}

function sign(secret: string, audience: Audience, subject: string, ttlSeconds: number, claims: Record<string, unknown>) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(keyFor(secret));
}

export function signAccessToken(secret: string, user: TokenSubject, ttlSeconds: number) {
  return sign(secret, 'access', user.id, ttlSeconds, { name: user.username, sid: user.sessionId });
}

/** `room` is a room id, or `inbox` for the user's own notification socket. */
export function signWsTicket(secret: string, user: TokenSubject, room: string) {
  return sign(secret, 'ws-ticket', user.id, WS_TICKET_TTL_SECONDS, {
    name: user.username,
    sid: user.sessionId,
    room,
    jti: crypto.randomUUID(),
  });
}

async function verify(secret: string, token: string, audience: Audience) {
  try {
    const { payload } = await jwtVerify(token, keyFor(secret), {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    if (typeof payload.name !== 'string' || typeof payload.sid !== 'string') throw unauthorized('invalid token');
    return payload;
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw unauthorized('token expired');
    if (err instanceof errors.JOSEError) throw unauthorized('invalid token');
    throw err;
  }
}

export async function verifyAccessToken(secret: string, token: string): Promise<AccessClaims> {
  const payload = await verify(secret, token, 'access');
  return { userId: payload.sub!, username: payload.name as string, sessionId: payload.sid as string, issuedAt: payload.iat! };
}

export async function verifyWsTicket(secret: string, token: string): Promise<TicketClaims> {
  const payload = await verify(secret, token, 'ws-ticket');
  if (typeof payload.room !== 'string' || typeof payload.jti !== 'string') throw unauthorized('invalid ticket');
  return {
    userId: payload.sub!,
    username: payload.name as string,
    sessionId: payload.sid as string,
    issuedAt: payload.iat!,
    roomId: payload.room,
    ticketId: payload.jti,
    expiresAt: payload.exp!,
  };
}
