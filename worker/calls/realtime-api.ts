/**
 * The Worker's client of the Cloudflare Realtime HTTP API (the SFU): the only holder of the app
 * token. Each call has a deadline and fails with a clear 502/504 to the browser; the service's
 * own error descriptions are logged (without SDP or tokens), not passed on.
 */
import type { RealtimeConfig } from '../../durable-objects/shared/realtime-config';
import { logFailure } from '../../durable-objects/shared/log-failure';
import { HttpError } from '../http/errors';

export interface SessionDescription {
  type: 'offer' | 'answer';
  sdp: string;
}

export type TrackRequest =
  | { location: 'local'; mid: string; trackName: string }
  | { location: 'remote'; sessionId: string; trackName: string };

export interface TrackResult {
  mid?: string;
  trackName?: string;
  sessionId?: string;
  errorCode?: string;
  errorDescription?: string;
}

export interface TracksResponse {
  requiresImmediateRenegotiation?: boolean;
  sessionDescription?: SessionDescription;
  tracks?: TrackResult[];
  errorCode?: string;
  errorDescription?: string;
}

export const sfuUnavailable = () => new HttpError(502, 'sfu_unavailable', 'the call server (SFU) did not accept that request; try joining again');

export class RealtimeApi {
  constructor(
    private readonly config: RealtimeConfig,
    private readonly timeoutMs: number,
  ) {}

  private async call<T extends { errorCode?: string; errorDescription?: string }>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.config.apiUrl}/apps/${encodeURIComponent(this.config.appId)}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.config.token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      logFailure('realtime api unreachable', err, { op: `${method} ${path.replace(/[0-9a-f]{16,}/gi, ':id')}` });
      if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
        throw new HttpError(504, 'sfu_timeout', 'the call server (SFU) did not answer in time; try joining again');
      }
      throw sfuUnavailable();
    }
    const json = (await res.json().catch(() => ({}))) as T;
    if (!res.ok || json.errorCode) {
      logFailure('realtime api refused', new Error(`${res.status} ${json.errorCode ?? ''}: ${json.errorDescription ?? ''}`), { op: `${method} ${path.replace(/[0-9a-f]{16,}/gi, ':id')}` });
      throw sfuUnavailable();
    }
    return json;
  }

  async newSession(): Promise<string> {
    const { sessionId } = await this.call<{ sessionId?: string; errorCode?: string }>('POST', '/sessions/new');
    if (!sessionId) throw sfuUnavailable();
    return sessionId;
  }

  async newTracks(sessionId: string, body: { sessionDescription?: SessionDescription; tracks: TrackRequest[] }): Promise<TracksResponse> {
    const res = await this.call<TracksResponse>('POST', `/sessions/${encodeURIComponent(sessionId)}/tracks/new`, body);
    if (res.tracks?.some((t) => t.errorCode)) {
      logFailure('realtime track refused', new Error(res.tracks.find((t) => t.errorCode)!.errorCode!), { op: 'tracks/new' });
      throw sfuUnavailable();
    }
    return res;
  }

  async renegotiate(sessionId: string, sessionDescription: SessionDescription): Promise<void> {
    await this.call('PUT', `/sessions/${encodeURIComponent(sessionId)}/renegotiate`, { sessionDescription });
  }

  async closeTracks(sessionId: string, body: { tracks: { mid: string }[]; sessionDescription?: SessionDescription; force: boolean }): Promise<TracksResponse> {
    return this.call<TracksResponse>('PUT', `/sessions/${encodeURIComponent(sessionId)}/tracks/close`, body);
  }
}
