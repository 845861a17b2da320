/** Issues single-use WebSocket tickets (see authenticate-upgrade.ts for why). */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { jwtKeys, signWsTicket, WS_TICKET_TTL_SECONDS } from '../../durable-objects/shared/tokens';
import { readConfig } from '../../durable-objects/shared/env';

/**
 * `audience` is a room id the caller is known to be a member of, or the inbox. The
 * caller passed requireUser, i.e. the live-session check: the upgrade trusts the
 * ticket for that and asks no database (authenticate-upgrade.ts).
 */
export async function ticketResponse(c: Context<AppEnv>, audience: string) {
  const { userId, username, sessionId, sessionExpiresAt } = c.var.user;
  const ticket = await signWsTicket(jwtKeys(readConfig(c.env)), { id: userId, username, sessionId, sessionExpiresAt }, audience);
  return c.json({ ticket, expiresIn: WS_TICKET_TTL_SECONDS });
}
