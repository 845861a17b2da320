/**
 * An object's hibernatable WebSockets (a room's or an inbox's): who each one is
 * (its serialized attachment, which survives hibernation) and how frames reach
 * them.
 */
import { type InboxFrame, type ServerFrame } from '../protocol';

export interface SocketIdentity {
  userId: string;
  username: string;
  sessionId: string;
  /** Epoch ms: past this the session is over and the socket is closed. */
  sessionExpiresAt: number;
}

export interface SocketAttachment extends SocketIdentity {
  /** Names this socket across hibernation (a call binds its signaling to one socket). */
  socketId: string;
  /** False until `ready` (and any catch-up) has been sent: live frames wait for it. */
  live: boolean;
}

export function attachmentOf(ws: WebSocket): SocketAttachment {
  return ws.deserializeAttachment() as SocketAttachment;
}

export function markLive(ws: WebSocket): void {
  ws.serializeAttachment({ ...attachmentOf(ws), live: true } satisfies SocketAttachment);
}

/** Sends one frame; a socket that closed meanwhile is not an error worth raising. */
export function sendFrame(ws: WebSocket, frame: ServerFrame | InboxFrame | string): void {
  try {
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  } catch {
    // The close handler cleans up after it.
  }
}

export function errorFrame(
  code: Extract<ServerFrame, { type: 'error' }>['code'],
  message: string,
  extra: { clientId?: string; retryAfterMs?: number } = {},
): Extract<ServerFrame, { type: 'error' }> {
  return { type: 'error', code, message, ...extra };
}

export class HibernatingSockets {
  /** `onBroadcast` is told what each live socket was sent (a room counts readers' backlogs with it). */
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly onBroadcast?: (ws: WebSocket, characters: number) => void,
  ) {}

  accept(ws: WebSocket, identity: SocketIdentity): void {
    // The user id tag lets presence ask "any other socket of this user?" without a scan.
    this.ctx.acceptWebSocket(ws, [identity.userId]);
    ws.serializeAttachment({ ...identity, socketId: crypto.randomUUID(), live: false } satisfies SocketAttachment);
  }

  /** Sends to every live socket, optionally but one; encodes the frame once. */
  /** `audience`, when given, picks the users who may get it (room/block-list.ts: blocked pairs). */
  broadcast(frame: ServerFrame | InboxFrame, except?: WebSocket, audience?: (userId: string) => boolean): void {
    const encoded = JSON.stringify(frame);
    for (const ws of this.ctx.getWebSockets()) {
      if (ws !== except && ws.readyState === WebSocket.OPEN && attachmentOf(ws).live && (!audience || audience(attachmentOf(ws).userId))) {
        sendFrame(ws, encoded);
        this.onBroadcast?.(ws, encoded.length);
      }
    }
  }

  /** Open sockets of a user, leaving out one that is closing. */
  socketsOf(userId: string, except?: WebSocket): WebSocket[] {
    return this.ctx.getWebSockets(userId).filter((ws) => ws !== except && ws.readyState === WebSocket.OPEN);
  }

  /** Users with a socket that receives live frames. */
  liveUserIds(): Set<string> {
    const live = new Set<string>();
    for (const ws of this.ctx.getWebSockets()) {
      if (ws.readyState === WebSocket.OPEN && attachmentOf(ws).live) live.add(attachmentOf(ws).userId);
    }
    return live;
  }

  onlineUserIds(): Set<string> {
    const online = new Set<string>();
    for (const ws of this.ctx.getWebSockets()) {
      if (ws.readyState === WebSocket.OPEN) online.add(attachmentOf(ws).userId);
    }
    return online;
  }

  all(): WebSocket[] {
    return this.ctx.getWebSockets();
  }
}

/** Closes every socket opened under `sessionId` (after logout); returns how many. */
export function closeSessionSockets(sockets: WebSocket[], sessionId: string, code: number): number {
  let closed = 0;
  for (const ws of sockets) {
    if (attachmentOf(ws).sessionId !== sessionId) continue;
    ws.close(code, 'signed out');
    closed += 1;
  }
  return closed;
}

/** Completes the close handshake the client started (1005, "no code", cannot be sent back). */
export function echoClose(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code === 1005 ? 1000 : code, reason);
  } catch {
    // Already closed by the runtime's automatic close reply.
  }
}
