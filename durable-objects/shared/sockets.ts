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

/**
 * The object's sockets and who each one is, in memory: read from the runtime
 * once when the object wakes (each attachment deserialized once), then kept in
 * step on accept, markLive and close, so a broadcast is a loop over a map. The
 * serialized attachment stays the durable copy for the next wake.
 */
export class HibernatingSockets {
  private readonly open = new Map<WebSocket, SocketAttachment>();

  /** `onBroadcast` is told what each live socket was sent (a room counts readers' backlogs with it). */
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly onBroadcast?: (ws: WebSocket, characters: number) => void,
  ) {
    for (const ws of ctx.getWebSockets()) {
      const attachment = ws.deserializeAttachment() as SocketAttachment | null;
      if (attachment) this.open.set(ws, attachment);
    }
  }

  accept(ws: WebSocket, identity: SocketIdentity): void {
    // The user id tag lets other code ask the runtime for one user's sockets.
    this.ctx.acceptWebSocket(ws, [identity.userId]);
    const attachment: SocketAttachment = { ...identity, socketId: crypto.randomUUID(), live: false };
    ws.serializeAttachment(attachment);
    this.open.set(ws, attachment);
  }

  /** Who `ws` is (also for a socket already closed and forgotten: its serialized copy). */
  attachmentOf(ws: WebSocket): SocketAttachment {
    return this.open.get(ws) ?? (ws.deserializeAttachment() as SocketAttachment);
  }

  /** From now on `ws` gets live frames. A socket closed meanwhile stays forgotten. */
  markLive(ws: WebSocket): void {
    const attachment = this.open.get(ws);
    if (!attachment) return;
    attachment.live = true;
    ws.serializeAttachment(attachment);
  }

  /** The socket closed (or errored): it is no longer counted or sent to. */
  forget(ws: WebSocket): void {
    this.open.delete(ws);
  }

  /** Closes `ws` from our side and stops sending to it in the same step. */
  close(ws: WebSocket, code: number, reason: string): void {
    this.open.delete(ws);
    try {
      ws.close(code, reason);
    } catch {
      // Already closing.
    }
  }

  /**
   * Sends to every live socket, optionally but one; encodes the frame once.
   * `audience`, when given, picks the users who may get it (room/block-list.ts: blocked pairs).
   * The loop runs once per socket per frame (1,000 in a big room), so it does no more than it
   * must: `forEach` makes no [socket, attachment] pair per socket, and no socket's readyState
   * is read (a call into the runtime each): a closed socket leaves the map on its close event,
   * and a send to one that is closing meanwhile throws, which is caught here.
   */
  broadcast(frame: ServerFrame | InboxFrame, except?: WebSocket, audience?: (userId: string) => boolean): void {
    const encoded = JSON.stringify(frame);
    const characters = encoded.length;
    this.open.forEach((attachment, ws) => {
      if (!attachment.live || ws === except || (audience && !audience(attachment.userId))) return;
      try {
        ws.send(encoded);
      } catch {
        if (ws.readyState === WebSocket.CLOSED) this.open.delete(ws);
        return;
      }
      this.onBroadcast?.(ws, characters);
    });
  }

  /** Open sockets of a user, leaving out one that is closing. */
  socketsOf(userId: string, except?: WebSocket): WebSocket[] {
    const sockets: WebSocket[] = [];
    for (const [ws, attachment] of this.open) {
      if (attachment.userId === userId && ws !== except && ws.readyState === WebSocket.OPEN) sockets.push(ws);
    }
    return sockets;
  }

  /** The open socket with this id (a call is bound to one socket), if it is still open. */
  openSocket(socketId: string | null): WebSocket | undefined {
    if (socketId === null) return undefined;
    for (const [ws, attachment] of this.open) {
      if (attachment.socketId === socketId && ws.readyState === WebSocket.OPEN) return ws;
    }
    return undefined;
  }

  /** Users with a socket that receives live frames (one closing since its last frame still counts, until its close event). */
  liveUserIds(): Set<string> {
    const live = new Set<string>();
    this.open.forEach((attachment) => {
      if (attachment.live) live.add(attachment.userId);
    });
    return live;
  }

  onlineUserIds(): Set<string> {
    const online = new Set<string>();
    for (const [ws, attachment] of this.open) {
      if (ws.readyState === WebSocket.OPEN) online.add(attachment.userId);
    }
    return online;
  }

  /** Every socket still counted, with who it is. */
  entries(): IterableIterator<[WebSocket, SocketAttachment]> {
    return this.open.entries();
  }

  /** Every socket still counted. */
  all(): WebSocket[] {
    return [...this.open.keys()];
  }

  /** Closes every socket opened under `sessionId` (after logout); returns how many. */
  closeSession(sessionId: string, code: number): number {
    return this.closeWhere((a) => a.sessionId === sessionId, code, 'signed out');
  }

  private closeWhere(match: (attachment: SocketAttachment) => boolean, code: number, reason: string): number {
    let closed = 0;
    for (const [ws, attachment] of [...this.open]) {
      if (!match(attachment)) continue;
      this.close(ws, code, reason);
      closed += 1;
    }
    return closed;
  }
}

/** Completes the close handshake the client started (1005, "no code", cannot be sent back). */
export function echoClose(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code === 1005 ? 1000 : code, reason);
  } catch {
    // Already closing: the runtime's automatic close reply.
  }
}
