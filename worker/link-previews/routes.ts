/**
 * Link previews: POST /api/rooms/:roomId/link-previews fetches (or finds cached) the
 * preview of a link a member is about to send and registers it with the room, whose
 * `send` frame can then attach it (docs/api.md); GET /api/link-previews/images/:id
 * serves the copies of their pictures. Recipients never contact the linked site.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { MAX_LINK_PREVIEW_URL_CHARS, previewKeyOf } from '../../durable-objects/protocol';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { readConfig } from '../../durable-objects/shared/env';
import { badRequest, notFound } from '../http/errors';
import { enforceRateLimit } from '../http/rate-limit';
import { parseWith, readJson, uuidParam } from '../http/validate';
import { blockedConversation, notAMember, roomObject } from '../rooms/queries';
import { serveObject } from '../attachments/storage';
import { fetchPreview } from './fetch-preview';
import { NoPreview } from './guarded-fetch';
import { cachePreview, cachedPreview, previewImageKey } from './storage';

export const linkPreviewRoutes = new Hono<AppEnv>();
linkPreviewRoutes.use('/rooms/:roomId/link-previews', requireUser);
linkPreviewRoutes.use('/link-previews/*', requireUser);

const previewRequest = z.object({ url: z.string().min(1).max(MAX_LINK_PREVIEW_URL_CHARS) });

linkPreviewRoutes.post('/rooms/:roomId/link-previews', async (c) => {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const { url } = await readJson(c, previewRequest);
  const key = previewKeyOf(url);
  if (!key) throw badRequest('only http and https links get previews');
  const room = roomObject(c.env, roomId);
  const access = await room.access(roomId, c.var.user.userId);
  if (access === 'not_member') throw notAMember();
  if (access === 'blocked') throw blockedConversation();
  const config = readConfig(c.env);
  let preview = await cachedPreview(c.env.FILES, key);
  if (!preview) {
    // Only fetches count: a cached preview costs the site nothing.
    await enforceRateLimit(c, `link-preview:${c.var.user.userId}`, config.LINK_PREVIEW_RATE_LIMIT, 'link previews');
    try {
      preview = await fetchPreview(c.env.FILES, key, { allowed: config.LINK_PREVIEW_ALLOW_HOSTS, timeoutMs: config.LINK_PREVIEW_TIMEOUT_MS });
    } catch (err) {
      if (!(err instanceof NoPreview)) throw err;
      return c.json({ preview: null, noPreview: { code: err.code, message: err.message } });
    }
    await cachePreview(c.env.FILES, preview);
  }
  if (!(await room.linkPreviewFetched(roomId, c.var.user.userId, preview))) throw notAMember();
  return c.json({ preview });
});

// A picture never changes under its id.
const IMAGE_CACHE = 'private, max-age=31536000, immutable';

linkPreviewRoutes.get('/link-previews/images/:id', async (c) => {
  const id = parseWith(uuidParam, c.req.param('id'));
  const object = await c.env.FILES.get(previewImageKey(id));
  if (!object) throw notFound('no such picture');
  return serveObject(object, 'preview', IMAGE_CACHE);
});
