import type { Database } from '../drizzle/connection';
import type { AccessClaims } from '../durable-objects/shared/tokens';
import type { Env } from '../durable-objects/shared/env';

/** Hono's type parameter for every route: bindings plus per-request variables. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** Opens the request's Postgres pool on first use (see http/database.ts). */
    db: () => Database;
    /** The caller and, from the live-session check, when their session expires (epoch ms). */
    user: AccessClaims & { sessionExpiresAt: number };
  };
}
