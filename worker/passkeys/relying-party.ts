/**
 * Who passkeys are bound to. The origin is APP_ORIGIN (or, locally, the origin the request
 * came to); the relying-party id is WEBAUTHN_RP_ID or that origin's host name. A passkey made
 * here answers only this rpID, and the browser signs the origin it actually talked to, so a
 * look-alike site gets nothing usable (docs/security.md, "Passkeys").
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { readConfig } from '../../durable-objects/shared/env';
import { appOrigin } from '../http/app-origin';

export interface RelyingParty {
  id: string;
  name: string;
  origin: string;
}

export function relyingParty(c: Context<AppEnv>): RelyingParty {
  const config = readConfig(c.env);
  const origin = appOrigin(c);
  return { id: config.WEBAUTHN_RP_ID ?? new URL(origin).hostname, name: config.WEBAUTHN_RP_NAME, origin };
}
