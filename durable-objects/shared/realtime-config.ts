/**
 * Cloudflare Realtime (the SFU) settings, read by the room (is the SFU there, and from how many
 * people does a call move to it) and by the Worker, which alone talks to the Realtime API with
 * the app token. Without REALTIME_APP_ID and REALTIME_APP_TOKEN group calls stay a mesh of
 * GROUP_CALL_MESH_LIMIT. durable-objects/shared/env.ts validates the same variables at startup.
 */
import { GROUP_CALL_MESH_LIMIT } from '../protocol';

export interface RealtimeEnv {
  REALTIME_APP_ID?: string;
  REALTIME_APP_TOKEN?: string;
  /** The API base; the real service's by default (tests and `npm start` point it at the local stand-in). */
  REALTIME_API_URL?: string;
  /** Participants at which a call moves from the mesh to the SFU (1: every call uses the SFU). */
  GROUP_CALL_SFU_FROM?: string;
}

export const REALTIME_API_DEFAULT = 'https://rtc.live.cloudflare.com/v1';

export interface RealtimeConfig {
  appId: string;
  token: string;
  apiUrl: string;
}

/** The SFU's coordinates, or null when it is not configured. */
export function realtimeConfig(env: RealtimeEnv): RealtimeConfig | null {
  const appId = env.REALTIME_APP_ID?.trim();
  const token = env.REALTIME_APP_TOKEN?.trim();
  if (!appId || !token) return null;
  return { appId, token, apiUrl: (env.REALTIME_API_URL?.trim() || REALTIME_API_DEFAULT).replace(/\/+$/, '') };
}

/** From how many participants a call uses the SFU: one more than the mesh takes, unless configured lower. */
export function sfuFrom(env: RealtimeEnv): number {
  const n = Number(env.GROUP_CALL_SFU_FROM);
  return Number.isInteger(n) && n >= 1 && n <= GROUP_CALL_MESH_LIMIT + 1 ? n : GROUP_CALL_MESH_LIMIT + 1;
}
