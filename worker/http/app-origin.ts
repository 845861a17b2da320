/** The app's public origin: APP_ORIGIN, or locally the origin the request came to. */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { readConfig } from '../../durable-objects/shared/env';

export function appOrigin(c: Context<AppEnv>): string {
  return readConfig(c.env).APP_ORIGIN ?? new URL(c.req.url).origin;
}
