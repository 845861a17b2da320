/**
 * The Hono application: REST under /api, WebSocket upgrades under /ws, and the
 * Remix web app for everything else (static files are served by Workers Assets
 * before the Worker runs; /api/* and /ws/* skip that lookup: wrangler.toml).
 */
import { Hono } from 'hono';
import type { AppEnv } from './app-env';
import { accountRoutes } from './account/routes';
import { privacyRoutes } from './account/privacy';
import { authRoutes } from './auth/routes';
import { emailLinkRoutes } from './email-links/routes';
import { twoStepRoutes } from './two-step/routes';
import { passkeyRoutes } from './passkeys/routes';
import { databasePerRequest } from './http/database';
import { handleError, notFound } from './http/errors';
import { corsAllowList } from './http/origins';
import { embedFrameAncestors } from './http/page-headers';
import { sameOriginWrites } from './http/same-origin-writes';
import { securityHeaders } from './http/security-headers';
import { drainUnreadBody } from './http/unread-body';
import { ConfigError, readConfig } from '../durable-objects/shared/env';
import { inviteRoutes } from './invites/routes';
import { embedRoute } from './invites/embed-route';
import { realtimeRoutes } from './realtime/routes';
import { ticketRoutes } from './realtime/ticket-routes';
import { attachmentRoutes } from './attachments/routes';
import { linkPreviewRoutes } from './link-previews/routes';
import { callRoutes } from './calls/routes';
import { sfuRoutes } from './calls/sfu-routes';
import { e2eRoutes } from './e2e/routes';
import { profileRoutes } from './profile/routes';
import { pushRoutes } from './push/routes';
import { groupRoutes } from './groups/routes';
import { muteRoutes } from './rooms/mute-routes';
import { listStateRoutes } from './rooms/list-state-routes';
import { roomRoutes } from './rooms/routes';
import { threadRoutes } from './rooms/thread-routes';
import { forwardRoutes } from './messages/forward-routes';
import { hiddenRoutes } from './messages/hidden-routes';
import { mediaRoutes } from './media/routes';
import { pinRoutes } from './messages/pin-routes';
import { starRoutes } from './messages/star-routes';
import { searchRoutes } from './search/routes';
import { userRoutes } from './users/routes';

export const app = new Hono<AppEnv>();

app.onError(handleError);

app.use('*', drainUnreadBody);
app.use('*', securityHeaders);
app.use('/api/*', corsAllowList);
app.use('/api/*', sameOriginWrites);
app.use('/api/*', databasePerRequest);
app.use('/ws/*', databasePerRequest);

/** Reports a misconfiguration (e.g. a missing or short JWT_SECRET) instead of "ok": monitors see it. */
app.get('/api/health', (c) => {
  try {
    readConfig(c.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return c.json({ ok: false, error: { code: 'misconfigured', message: err.message } }, 503);
  }
  return c.json({ ok: true });
});
// First: its routes answer without requireUser's Postgres check (see ticket-routes.ts).
app.route('/api', ticketRoutes);
app.route('/api', authRoutes);
app.route('/api', emailLinkRoutes);
app.route('/api', twoStepRoutes);
app.route('/api', passkeyRoutes);
app.route('/api', accountRoutes);
app.route('/api', privacyRoutes);
app.route('/api', roomRoutes);
app.route('/api', threadRoutes);
app.route('/api', muteRoutes);
app.route('/api', forwardRoutes);
app.route('/api', pinRoutes);
app.route('/api', starRoutes);
app.route('/api', hiddenRoutes);
app.route('/api', mediaRoutes);
app.route('/api', listStateRoutes);
app.route('/api', searchRoutes);
app.route('/api', groupRoutes);
app.route('/api', userRoutes);
app.route('/api', callRoutes);
app.route('/api', sfuRoutes);
app.route('/api', e2eRoutes);
app.route('/api', inviteRoutes);
app.route('/api', embedRoute);
app.route('/api', attachmentRoutes);
app.route('/api', linkPreviewRoutes);
app.route('/api', profileRoutes);
app.route('/api', pushRoutes);
app.all('/api/*', () => {
  throw notFound('no such endpoint');
});

app.route('/', realtimeRoutes);

app.use('/embed/*', databasePerRequest, embedFrameAncestors);
// Loaded on first use: the API (and its tests) never depend on the front-end build.
app.all('*', async (c) => {
  const { remixHandler } = await import('./web/remix');
  return remixHandler(c.req.raw, c.env, c.executionCtx as ExecutionContext);
});
