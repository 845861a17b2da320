/**
 * /api/rooms/:roomId/group-calls/:callId/sfu/*: the browser's way to Cloudflare Realtime (the SFU)
 * for a group call that moved to it. The Worker holds the app token and makes each Realtime call
 * itself, after asking the room object, the call's authority, whether this person is in that
 * call over the SFU, which session is theirs, and whether the tracks they want to pull belong to
 * current participants they may see (not blocked). Track names are chosen here, never by clients.
 * docs/api.md, "Group calls over the SFU".
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { realtimeConfig } from '../../durable-objects/shared/realtime-config';
import type { SfuRefusal } from '../../durable-objects/room/group-call';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { readConfig } from '../../durable-objects/shared/env';
import { forbidden, HttpError, notFound } from '../http/errors';
import { parseWith, readJson, uuidParam } from '../http/validate';
import { roomObject } from '../rooms/queries';
import { RealtimeApi, sfuUnavailable } from './realtime-api';

export const sfuRoutes = new Hono<AppEnv>();
sfuRoutes.use('/rooms/:roomId/group-calls/:callId/sfu/*', requireUser);

/**
 * The browser's whole SDP goes with every negotiation: a video m-section from Chrome is several
 * KB (all its codecs), and a call at GROUP_CALL_SFU_LIMIT has one per track pulled, so these
 * bodies outgrow the API's usual JSON limit. Measured sizes: docs/performance.md (issue 22).
 */
const MAX_SDP_CHARS = 200_000;
const SFU_BODY_BYTES = MAX_SDP_CHARS + 16 * 1024;
const sdp = z.string().min(1).max(MAX_SDP_CHARS);
const offer = z.object({ type: z.literal('offer'), sdp });
const answer = z.object({ type: z.literal('answer'), sdp });
const mid = z.string().min(1).max(32);

const publishBody = z.object({
  sessionDescription: offer,
  tracks: z.array(z.object({ mid, kind: z.enum(['audio', 'video']) })).min(1).max(4),
});
const pullBody = z.object({
  tracks: z.array(z.object({ userId: z.uuid(), trackName: z.string().min(1).max(100) })).min(1).max(64),
});
const renegotiateBody = z.object({ sessionDescription: answer });
/** With the browser's offer that stops the transceivers, or without (force: no renegotiation). */
const closeBody = z.object({ tracks: z.array(z.object({ mid })).min(1).max(64), sessionDescription: offer.optional() });

function refused(why: SfuRefusal): HttpError {
  switch (why) {
    case 'no_call':
      return notFound('no such call in progress in this room');
    case 'not_in_call':
      return forbidden('you are not in this call');
    case 'mesh':
      return new HttpError(409, 'conflict', 'this call is a mesh: its media goes browser to browser, not through the SFU');
    case 'no_session':
      return new HttpError(409, 'conflict', 'open your SFU session first (POST …/sfu/session)');
    case 'not_pullable':
      return notFound('a track asked for is not in the call now, or not one you may receive');
  }
}

function call(c: Context<AppEnv>) {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const callId = parseWith(uuidParam, c.req.param('callId'));
  const config = realtimeConfig(c.env);
  // Without the SFU the room never moves a call to it: every call here is a mesh.
  if (!config) throw refused('mesh');
  return { roomId, callId, room: roomObject(c.env, roomId), api: new RealtimeApi(config, readConfig(c.env).REALTIME_TIMEOUT_MS), userId: c.var.user.userId };
}

async function mySession(c: Context<AppEnv>) {
  const ctx = call(c);
  const access = await ctx.room.groupCallSfuAccess(ctx.roomId, ctx.callId, ctx.userId);
  if (typeof access === 'string') throw refused(access);
  return { ...ctx, sessionId: access.sessionId };
}

/** A new Realtime session for my media in this call (a rejoin opens another; the room keeps the latest). */
sfuRoutes.post('/rooms/:roomId/group-calls/:callId/sfu/session', async (c) => {
  const { roomId, callId, room, api, userId } = call(c);
  // Asked before the session is made: nobody outside the call makes us open one.
  const access = await room.groupCallSfuAccess(roomId, callId, userId);
  if (access === 'no_call' || access === 'not_in_call' || access === 'mesh') throw refused(access);
  const sessionId = await api.newSession();
  const recorded = await room.groupCallSfuSession(roomId, callId, userId, sessionId);
  if (recorded !== 'ok') throw refused(recorded);
  return c.json({ sessionId });
});

/** My tracks, offered once: the room then tells the others to pull them. */
sfuRoutes.post('/rooms/:roomId/group-calls/:callId/sfu/publish', async (c) => {
  const body = await readJson(c, publishBody, SFU_BODY_BYTES);
  const { roomId, callId, room, api, userId, sessionId } = await mySession(c);
  const tracks = body.tracks.map((t) => ({ ...t, trackName: `${t.kind}-${crypto.randomUUID()}` }));
  const res = await api.newTracks(sessionId, {
    sessionDescription: body.sessionDescription,
    tracks: tracks.map((t) => ({ location: 'local', mid: t.mid, trackName: t.trackName })),
  });
  if (res.sessionDescription?.type !== 'answer') throw sfuUnavailable();
  const recorded = await room.groupCallSfuPublished(roomId, callId, userId, sessionId, tracks.map(({ trackName, kind }) => ({ trackName, kind })));
  if (recorded !== 'ok') throw refused(recorded);
  return c.json({ sessionDescription: res.sessionDescription, tracks: tracks.map(({ mid, trackName }) => ({ mid, trackName })) });
});

/** Other participants' tracks, by name as the room showed them: the SFU's offer to answer. */
sfuRoutes.post('/rooms/:roomId/group-calls/:callId/sfu/pull', async (c) => {
  const body = await readJson(c, pullBody);
  const { roomId, callId, room, api, userId } = call(c);
  const found = await room.groupCallSfuSources(roomId, callId, userId, body.tracks);
  if (typeof found === 'string') throw refused(found);
  const res = await api.newTracks(found.sessionId, {
    tracks: found.sources.map((s) => ({ location: 'remote', sessionId: s.sessionId, trackName: s.trackName })),
  });
  if (!res.requiresImmediateRenegotiation || res.sessionDescription?.type !== 'offer') throw sfuUnavailable();
  const tracks = (res.tracks ?? []).map((t) => {
    const source = found.sources.find((s) => s.trackName === t.trackName && s.sessionId === t.sessionId);
    if (!source || !t.mid) throw sfuUnavailable();
    return { mid: t.mid, userId: source.userId, trackName: source.trackName };
  });
  return c.json({ sessionDescription: res.sessionDescription, tracks });
});

/** My answer to the SFU's last offer. */
sfuRoutes.put('/rooms/:roomId/group-calls/:callId/sfu/renegotiate', async (c) => {
  const body = await readJson(c, renegotiateBody, SFU_BODY_BYTES);
  const { api, sessionId } = await mySession(c);
  await api.renegotiate(sessionId, body.sessionDescription);
  return c.body(null, 204);
});

/** Stops tracks of my session (pulls of someone who left, or my own): the SFU's answer to my offer. */
sfuRoutes.put('/rooms/:roomId/group-calls/:callId/sfu/close', async (c) => {
  const body = await readJson(c, closeBody, SFU_BODY_BYTES);
  const { api, sessionId } = await mySession(c);
  const res = await api.closeTracks(sessionId, { tracks: body.tracks, sessionDescription: body.sessionDescription, force: !body.sessionDescription });
  if (body.sessionDescription && res.sessionDescription?.type !== 'answer') throw sfuUnavailable();
  return c.json({ sessionDescription: res.sessionDescription ?? null });
});
