/**
 * JWTs signed with HS256 from JWT_SECRET. The algorithm is pinned on verify, so
 * `alg: none` or an RS/HS confusion token is rejected before its claims are read.
 * Two audiences: `access` (REST, and the `?token=` upgrade form) and `ws-ticket`
 * (single-use, room-bound, 60 s: safe to put in a URL, where access tokens leak
 * into logs and history).
 * A refused token throws `TokenRefused`; the Worker answers it with a 401 (worker/auth/tokens.ts).
 * Key rotation without signing anyone out: every token names its key in the
 * `kid` header (derived from the secret); during a rotation JWT_SECRET (new,
 * signs) and JWT_SECRET_PREVIOUS (old, verifies only) are both accepted.
 */
import { SignJWT, decodeProtectedHeader, jwtVerify, errors } from 'jose';

const ISSUER = 'edge-chat';
const ALGORITHM = 'HS256';
export const WS_TICKET_TTL_SECONDS = 60;

/** A token that is not ours, is expired, or is the wrong kind; the message is safe to show. */
export class TokenRefused extends Error {}

type Audience = 'access' | 'ws-ticket';

export interface AccessClaims {
  userId: string;
  username: string;
  /** The login session the token was minted from: logout revokes it. */
  sessionId: string;
  issuedAt: number;
  /**
   * The session's own expiry (epoch ms) when the token was minted: a ticket request
   * passes it on without asking the database. Absent from tokens minted before it existed.
   */
  sessionExpiresAt?: number;
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
  /**
   * The session's own expiry (epoch ms), as the live-session check that preceded the
   * ticket saw it: the upgrade passes it on without asking the database. Absent from
   * tickets minted before it existed.
   */
  sessionExpiresAt?: number;
}

/** JWT_SECRET signs and verifies; JWT_SECRET_PREVIOUS, while set, only verifies. */
export interface JwtKeys {
  current: string;
  previous?: string;
}

export function jwtKeys(config: { JWT_SECRET: string; JWT_SECRET_PREVIOUS?: string }): JwtKeys {
  return { current: config.JWT_SECRET, previous: config.JWT_SECRET_PREVIOUS };
}

interface SigningKey {
  kid: string;
  key: CryptoKey;
}

const derived = new Map<string, Promise<SigningKey>>();
/**
 * The HMAC key and its id: 16 hex digits of SHA-256 over a label and the secret (names
 * the key, reveals nothing usable). Imported once per isolate: given raw bytes, jose
 * would import them again on every sign and verify.
 */
export function signingKey(secret: string): Promise<SigningKey> {
  let entry = derived.get(secret);
  if (!entry) {
    const bytes = new TextEncoder().encode(secret);
    entry = Promise.all([
      crypto.subtle.digest('SHA-256', new TextEncoder().encode(`edge-chat jwt kid\n${secret}`)),
      crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']),
    ]).then(([digest, key]) => ({
      kid: [...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(''),
      key,
    }));
    entry.catch(() => derived.delete(secret));
    derived.set(secret, entry);
  }
  return entry;
}

async function sign(keys: JwtKeys, audience: Audience, subject: string, ttlSeconds: number, claims: Record<string, unknown>) {
  const { kid, key } = await signingKey(keys.current);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT', kid })
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key);
}

/** `sessionExpiresAt` (epoch ms) lets a ticket be minted without asking the database (worker/realtime/ticket-user.ts). */
export function signAccessToken(keys: JwtKeys, user: TokenSubject & { sessionExpiresAt?: number }, ttlSeconds: number) {
  return sign(keys, 'access', user.id, ttlSeconds, { name: user.username, sid: user.sessionId, sexp: user.sessionExpiresAt });
}

/**
 * `room` is a room id, or `inbox` for the user's own notification socket. Mint one
 * only after checking the session is live: the upgrade trusts it for that (see
 * worker/realtime/authenticate-upgrade.ts).
 */
export function signWsTicket(keys: JwtKeys, user: TokenSubject & { sessionExpiresAt: number }, room: string) {
  return sign(keys, 'ws-ticket', user.id, WS_TICKET_TTL_SECONDS, {
    name: user.username,
    sid: user.sessionId,
    sexp: user.sessionExpiresAt,
    room,
    jti: crypto.randomUUID(),
  });
}

/**
 * The keys a token may have been signed with: the one its `kid` names (none
 * if it names neither), or - tokens minted before key ids - current, then previous.
 */
async function candidateKeys(keys: JwtKeys, token: string): Promise<CryptoKey[]> {
  const all = await Promise.all([keys.current, keys.previous].filter((s): s is string => !!s).map(signingKey));
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    throw new TokenRefused('invalid token'); // not a JWS at all (jose throws a plain TypeError here)
  }
  if (kid === undefined) return all.map((k) => k.key);
  return all.filter((k) => k.kid === kid).map((k) => k.key);
}

async function verify(keys: JwtKeys, token: string, audience: Audience) {
  try {
    const candidates = await candidateKeys(keys, token);
    if (!candidates.length) throw new TokenRefused('invalid token');
    for (const [i, key] of candidates.entries()) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          issuer: ISSUER,
          audience,
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        if (typeof payload.name !== 'string' || typeof payload.sid !== 'string') throw new TokenRefused('invalid token');
        return payload;
      } catch (err) {
        // A kid-less token signed with the previous key fails the current one's signature check first.
        if (!(err instanceof errors.JWSSignatureVerificationFailed) || i === candidates.length - 1) throw err;
      }
    }
    throw new TokenRefused('invalid token');
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new TokenRefused('token expired');
    if (err instanceof errors.JOSEError) throw new TokenRefused('invalid token');
    throw err;
  }
}

export async function verifyAccessToken(keys: JwtKeys, token: string): Promise<AccessClaims> {
  const payload = await verify(keys, token, 'access');
  return {
    userId: payload.sub!,
    username: payload.name as string,
    sessionId: payload.sid as string,
    issuedAt: payload.iat!,
    sessionExpiresAt: sessionExpiry(payload.sexp),
  };
}

function sessionExpiry(claim: unknown): number | undefined {
  return Number.isSafeInteger(claim) && (claim as number) > 0 ? (claim as number) : undefined;
}

export async function verifyWsTicket(keys: JwtKeys, token: string): Promise<TicketClaims> {
  const payload = await verify(keys, token, 'ws-ticket');
  if (typeof payload.room !== 'string' || typeof payload.jti !== 'string') throw new TokenRefused('invalid ticket');
  return {
    userId: payload.sub!,
    username: payload.name as string,
    sessionId: payload.sid as string,
    issuedAt: payload.iat!,
    roomId: payload.room,
    ticketId: payload.jti,
    expiresAt: payload.exp!,
    sessionExpiresAt: sessionExpiry(payload.sexp),
  };
}
