/**
 * A local stand-in for the part of Cloudflare Realtime's HTTP API (the SFU) that the app uses,
 * on the same paths and JSON, forwarding real RTP between browsers through werift
 * (./session.ts): what tests and `npm start` use when REALTIME_APP_ID is unset or names it.
 *
 *   POST /v1/apps/:appId/sessions/new                  → { sessionId }
 *   POST /v1/apps/:appId/sessions/:id/tracks/new       local tracks (with the browser's offer) → answer;
 *                                                       remote tracks → an offer to answer (requiresImmediateRenegotiation)
 *   PUT  /v1/apps/:appId/sessions/:id/renegotiate      the browser's answer
 *   PUT  /v1/apps/:appId/sessions/:id/tracks/close     { tracks: [{ mid }], sessionDescription?, force? }
 *   GET  /v1/apps/:appId/sessions/:id                  { tracks: [...] }
 *
 * And two that the real service has no need of, for fault tests: the SFU losing a session (its
 * side of the connection goes away, its published tracks end for everyone pulling them), and the
 * SFU no longer forwarding one published track to those pulling it (connections stay up, the
 * pulls stay listed; a new pull of it forwards again).
 *   POST /v1/apps/:appId/sessions/:id/fault/drop
 *   POST /v1/apps/:appId/sessions/:id/fault/stop-forwarding   { trackName } → { stalled: pulls }
 *
 * Every call needs `Authorization: Bearer <token>` for its app id, as the real one does.
 * What differs from the real service is listed in docs/deploy.md ("The SFU").
 * It listens on 127.0.0.1 only, and its media candidates are 127.0.0.1 too.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StandinError, StandinSession, type PublishedTrack, type SessionDescription } from './session';

export interface RealtimeStandin {
  /** The API base, as REALTIME_API_URL: `http://127.0.0.1:<port>/v1`. */
  url: string;
  appId: string;
  token: string;
  sessions: Map<string, StandinSession>;
  stop(): Promise<void>;
}

type TrackRequest =
  | { location: 'local'; mid: string; trackName: string }
  | { location: 'remote'; sessionId: string; trackName: string };

interface Body {
  sessionDescription?: SessionDescription;
  tracks?: TrackRequest[];
  force?: boolean;
  /** fault/stop-forwarding: which of the session's published tracks. */
  trackName?: string;
}

const MAX_BODY_BYTES = 256 * 1024;

/**
 * `iceLite: false` only for werift peers in a browser's place (server.test.ts): werift answering a
 * lite offer does not take the controlling role as Chrome does, and the pair never connects.
 */
export async function startRealtimeStandin(opts: { appId: string; token: string; port?: number; iceLite?: boolean }): Promise<RealtimeStandin> {
  const sessions = new Map<string, StandinSession>();

  const gone = (session: StandinSession) => {
    if (sessions.get(session.id) !== session) return;
    sessions.delete(session.id);
    const unpublished = [...session.published.values()];
    for (const other of sessions.values()) other.dropSources(unpublished);
    void session.stop();
  };

  const routes: [string, RegExp, (m: RegExpMatchArray, body: Body) => Promise<unknown>][] = [
    ['POST', /^\/v1\/apps\/([^/]+)\/sessions\/new$/, async () => {
      const session = new StandinSession(crypto.randomUUID().replaceAll('-', ''), gone, opts.iceLite ?? true);
      sessions.set(session.id, session);
      return { sessionId: session.id };
    }],
    ['POST', /^\/v1\/apps\/([^/]+)\/sessions\/([^/]+)\/tracks\/new$/, async (m, body) => {
      const session = sessionOf(m[2]!);
      const tracks = body.tracks ?? [];
      if (!tracks.length) throw new StandinError('tracks must list at least one track');
      const local = tracks.filter((t) => t.location === 'local');
      const remote = tracks.filter((t) => t.location === 'remote');
      if (local.length && remote.length) throw new StandinError('the stand-in takes local or remote tracks in one call, not both');
      if (local.length) {
        if (body.sessionDescription?.type !== 'offer') throw new StandinError('local tracks need the offer that carries them');
        const answer = await session.serial(() => session.publish(body.sessionDescription!, local));
        return { requiresImmediateRenegotiation: false, sessionDescription: answer, tracks: local.map(({ mid, trackName }) => ({ mid, trackName })) };
      }
      const found: PublishedTrack[] = [];
      const results: Record<string, unknown>[] = [];
      for (const t of remote) {
        const source = sessions.get(t.sessionId)?.published.get(t.trackName);
        if (source) found.push(source);
        else results.push({ sessionId: t.sessionId, trackName: t.trackName, errorCode: 'not_found', errorDescription: 'no such track published' });
      }
      if (!found.length) return { requiresImmediateRenegotiation: false, tracks: results };
      const { offer, mids } = await session.serial(() => session.pull(found));
      const pulled = found.map((source, i) => {
        const request = remote.find((t) => t.trackName === source.trackName && sessions.get(t.sessionId)?.published.get(t.trackName) === source)!;
        return { mid: mids[i], trackName: source.trackName, sessionId: request.sessionId };
      });
      return { requiresImmediateRenegotiation: true, sessionDescription: offer, tracks: [...pulled, ...results] };
    }],
    ['PUT', /^\/v1\/apps\/([^/]+)\/sessions\/([^/]+)\/renegotiate$/, async (m, body) => {
      const session = sessionOf(m[2]!);
      if (body.sessionDescription?.type !== 'answer') throw new StandinError('renegotiate takes the answer to the last offer');
      await session.serial(() => session.renegotiate(body.sessionDescription!));
      return {};
    }],
    ['PUT', /^\/v1\/apps\/([^/]+)\/sessions\/([^/]+)\/tracks\/close$/, async (m, body) => {
      const session = sessionOf(m[2]!);
      const mids = (body.tracks ?? []).map((t) => (t as unknown as { mid?: unknown }).mid).filter((mid): mid is string => typeof mid === 'string');
      if (!mids.length) throw new StandinError('tracks must list the mids to close');
      const offer = body.force ? undefined : body.sessionDescription;
      if (!body.force && offer?.type !== 'offer') throw new StandinError('closing without force needs the offer that stops the tracks');
      const { answer, unpublished } = await session.serial(() => session.close(mids, offer));
      for (const other of sessions.values()) other.dropSources(unpublished);
      return { requiresImmediateRenegotiation: false, tracks: mids.map((mid) => ({ mid })), ...(answer ? { sessionDescription: answer } : {}) };
    }],
    ['GET', /^\/v1\/apps\/([^/]+)\/sessions\/([^/]+)$/, async (m) => ({ tracks: sessionOf(m[2]!).tracks() })],
    ['POST', /^\/v1\/apps\/([^/]+)\/sessions\/([^/]+)\/fault\/drop$/, async (m) => {
      gone(sessionOf(m[2]!));
      return {};
    }],
    ['POST', /^\/v1\/apps\/([^/]+)\/sessions\/([^/]+)\/fault\/stop-forwarding$/, async (m, body) => {
      const source = sessionOf(m[2]!).published.get(body.trackName ?? '');
      if (!source) throw new StandinError('trackName must name a track this session publishes');
      let stalled = 0;
      for (const other of sessions.values()) stalled += other.stallPullsOf(source);
      return { stalled };
    }],
  ];

  function sessionOf(id: string): StandinSession {
    const session = sessions.get(id);
    if (!session) throw new NotFound();
    return session;
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const path = new URL(req.url ?? '/', 'http://standin').pathname;
      const route = routes.find(([method, pattern]) => method === req.method && pattern.test(path));
      if (!route) return reply(404, { errorCode: 'not_found', errorDescription: 'no such endpoint' });
      const match = path.match(route[1])!;
      if (match[1] !== opts.appId || req.headers.authorization !== `Bearer ${opts.token}`) {
        return reply(401, { errorCode: 'unauthorized', errorDescription: 'wrong app id or token' });
      }
      try {
        const body = await readJson(req);
        reply(200, await route[2](match, body));
      } catch (err) {
        if (err instanceof NotFound) return reply(404, { errorCode: 'not_found', errorDescription: 'no such session' });
        if (err instanceof StandinError) return reply(400, { errorCode: 'bad_request', errorDescription: err.message });
        // Its own stderr (the test run's): a refusal the Worker only sees as "the SFU failed".
        console.error(`[realtime stand-in] ${req.method} ${path} failed:`, err);
        reply(500, { errorCode: 'internal', errorDescription: err instanceof Error ? err.message : 'failed' });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    appId: opts.appId,
    token: opts.token,
    sessions,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...sessions.values()].map((s) => s.stop()));
      sessions.clear();
    },
  };
}

class NotFound extends Error {}

async function readJson(req: http.IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new StandinError('body too large');
    chunks.push(chunk as Buffer);
  }
  if (!size) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body;
  } catch {
    throw new StandinError('body is not JSON');
  }
}
