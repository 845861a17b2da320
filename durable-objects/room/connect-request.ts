/**
 * The internal upgrade request from the Worker to a room. The Worker has
 * already verified the credential, the Origin and the membership; it passes the
 * verified identity in headers the client cannot set (a Durable Object has no
 * public URL: only this Worker reaches it).
 */
import { z } from 'zod';

const HEADER = {
  roomId: 'x-room-id',
  userId: 'x-user-id',
  username: 'x-username',
  sessionId: 'x-session-id',
  sessionExpiresAt: 'x-session-expires-at',
  ticketId: 'x-ticket-id',
  ticketExpiresAt: 'x-ticket-expires-at',
  after: 'x-resume-after',
} as const;

const connectSchema = z.object({
  roomId: z.uuid(),
  userId: z.uuid(),
  username: z.string().min(1),
  /** The login session behind the credential: logout closes its sockets. */
  sessionId: z.uuid(),
  /** Epoch ms; the socket is closed on its first frame after this. */
  sessionExpiresAt: z.coerce.number().int().positive(),
  /** A single-use ticket's id and expiry (epoch ms): the room refuses a second use. */
  ticketId: z.string().min(1).optional(),
  ticketExpiresAt: z.coerce.number().int().positive().optional(),
  /** Replay every message after this seq before going live. */
  after: z.coerce.number().int().min(0).optional(),
});
export type ConnectRequest = z.infer<typeof connectSchema>;

export function buildConnectRequest(connect: ConnectRequest, upgradeHeaders: Headers): Request {
  const headers = new Headers({ upgrade: 'websocket' });
  // The client's WebSocket handshake headers must reach the runtime unchanged.
  for (const name of ['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions']) {
    const value = upgradeHeaders.get(name);
    if (value) headers.set(name, value);
  }
  for (const [key, header] of Object.entries(HEADER)) {
    const value = connect[key as keyof ConnectRequest];
    if (value !== undefined) headers.set(header, String(value));
  }
  return new Request('https://room.internal/connect', { headers });
}

export function readConnectRequest(request: Request): ConnectRequest | undefined {
  const raw = Object.fromEntries(
    Object.entries(HEADER).map(([key, header]) => [key, request.headers.get(header) ?? undefined]),
  );
  const parsed = connectSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** The plain HTTP answer of an object that refuses a connection. */
export function refuseConnection(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}
