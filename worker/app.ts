/**
 * The Hono application: REST under /api, WebSocket upgrades under /ws, and the
 * Remix web app for everything else (static files are served by Workers Assets
 * before the Worker runs).
 */
import { Hono } from 'hono';
import type { AppEnv } from './app-env';
import { accountRoutes } from './account/routes';
import { authRoutes } from './auth/routes';
import { databasePerRequest } from './http/database';
import { handleError, notFound } from './http/errors';
import { corsAllowList } from './http/origins';
import { embedFrameAncestors } from './http/page-headers';
import { inviteRoutes } from './invites/routes';
import { realtimeRoutes } from './realtime/routes';
import { callRoutes } from './calls/routes';
import { groupRoutes } from './groups/routes';
import { muteRoutes } from './rooms/mute-routes';
import { roomRoutes } from './rooms/routes';
import { searchRoutes } from './search/routes';
import { userRoutes } from './users/routes';

export const app = new Hono<AppEnv>();

app.onError(handleError);

app.use('/api/*', corsAllowList);
app.use('/api/*', databasePerRequest);
app.use('/ws/*', databasePerRequest);

app.get('/api/health', (c) => c.json({ ok: true }));
app.route('/api', authRoutes);
app.route('/api', accountRoutes);
app.route('/api', roomRoutes);
app.route('/api', muteRoutes);
app.route('/api', searchRoutes);
app.route('/api', groupRoutes);
app.route('/api', userRoutes);
app.route('/api', callRoutes);
app.route('/api', inviteRoutes);
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
