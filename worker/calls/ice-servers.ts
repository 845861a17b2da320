/**
 * ICE servers for WebRTC, from configuration. TURN credentials follow the TURN
 * REST API convention (draft-uberti-behave-turn-rest, as coturn implements with
 * `use-auth-secret`): the username is "<expiry epoch s>:<user id>" and the
 * password is base64(HMAC-SHA1(shared secret, username)). They are minted per
 * request and expire on their own, so a leaked one is worth little.
 */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface IceConfig {
  stunUrls: string[];
  turnUrls: string[];
  turnSecret?: string;
  turnTtlSeconds: number;
}

export async function turnCredential(secret: string, userId: string, expiresAtSeconds: number) {
  const username = `${expiresAtSeconds}:${userId}`;
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-1' }, false, [
    'sign',
  ]);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(username));
  return { username, credential: btoa(String.fromCharCode(...new Uint8Array(mac))) };
}

export async function iceServersFor(config: IceConfig, userId: string, nowMs = Date.now()): Promise<IceServer[]> {
  const servers: IceServer[] = [];
  if (config.stunUrls.length > 0) servers.push({ urls: config.stunUrls });
  if (config.turnUrls.length > 0 && config.turnSecret) {
    const expires = Math.floor(nowMs / 1000) + config.turnTtlSeconds;
    servers.push({ urls: config.turnUrls, ...(await turnCredential(config.turnSecret, userId, expires)) });
  }
  return servers;
}
