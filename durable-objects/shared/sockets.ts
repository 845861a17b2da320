/**
 * The room's hibernatable WebSockets: who each one is (its serialized
 * attachment, which survives hibernation) and how frames reach them.
 */
import { encodeServerFrame, type ServerFrame } from '../protocol';

export interface SocketIdentity {
  userId: string;
  username: string;
}

export interface SocketAttachment extends SocketIdentity {
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
export function sendFrame(ws: WebSocket, frame: ServerFrame | string): void {
  try {
    ws.send(typeof frame === 'string' ? frame : encodeServerFrame(frame));
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

export class RoomSockets {
  constructor(private readonly ctx: DurableObjectState) {}

  accept(ws: WebSocket, identity: SocketIdentity): void {
    // The user id tag lets presence ask "any other socket of this user?" without a scan.
    this.ctx.acceptWebSocket(ws, [identity.userId]);
    ws.serializeAttachment({ ...identity, live: false } satisfies SocketAttachment);
  }

  /** Sends to every live socket, optionally but one; encodes the frame once. */
  broadcast(frame: ServerFrame, except?: WebSocket): void {
    const encoded = encodeServerFrame(frame);
    for (const ws of this.ctx.getWebSockets()) {
      if (ws !== except && ws.readyState === WebSocket.OPEN && attachmentOf(ws).live) sendFrame(ws, encoded);
    }
  }

  /** Open sockets of a user, leaving out one that is closing. */
  socketsOf(userId: string, except?: WebSocket): WebSocket[] {
    return this.ctx.getWebSockets(userId).filter((ws) => ws !== except && ws.readyState === WebSocket.OPEN);
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
