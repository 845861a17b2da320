/**
 * What the password step hands over when the account has two-step sign-in: a JWT (jose,
 * HS256 pinned, its own audience) naming the account, valid for 5 minutes. It proves the
 * password only; the session is made by the second step. The context (app or embed) rides
 * along so the session cookie lands where the sign-in started.
 */
import { SignJWT, jwtVerify } from 'jose';
import { signingKey } from '../../durable-objects/shared/tokens';
import type { SessionContext } from '../auth/sessions';

const AUDIENCE = 'second-step';
const ISSUER = 'edge-chat';
export const SECOND_STEP_TTL_SECONDS = 300;

export async function signSecondStep(secret: string, userId: string, context: SessionContext): Promise<string> {
  const { kid, key } = await signingKey(secret);
  return new SignJWT({ ctx: context })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(`${SECOND_STEP_TTL_SECONDS}s`)
    .sign(key);
}

export async function readSecondStep(secret: string, token: string): Promise<{ userId: string; context: SessionContext } | undefined> {
  try {
    const { payload } = await jwtVerify(token, (await signingKey(secret)).key, {
      algorithms: ['HS256'],
      audience: AUDIENCE,
      issuer: ISSUER,
      requiredClaims: ['sub', 'exp'],
    });
    const context = payload.ctx === 'embed' ? 'embed' : 'app';
    return payload.sub ? { userId: payload.sub, context } : undefined;
  } catch {
    return undefined;
  }
}
