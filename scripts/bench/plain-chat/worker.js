/**
 * The plain Durable Object chat the bench measures the app against: the shape of
 * Cloudflare's workers-chat-demo, with frames shaped like the app's so both are
 * driven by the same load generator. GET /ws/rooms/:name upgrades (no auth, no
 * Origin check); each `send` is stored in the object's SQLite, acked to its
 * sender and broadcast as a `message` to every socket (WebSocket Hibernation API).
 * GET /api/health answers 200, as startApp waits for.
 */
import { DurableObject } from 'cloudflare:workers';

// Plain JavaScript: the project's tsconfigs check Node code and the app's workerd code, not this.
export class PlainRoom extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      'create table if not exists messages (seq integer primary key, id text, client_id text, content text, created_at text)',
    );
    this.seq = Number(ctx.storage.sql.exec('select coalesce(max(seq), 0) as s from messages').one().s);
  }

  async fetch() {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].send(JSON.stringify({ type: 'ready', lastSeq: this.seq }));
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  async webSocketMessage(ws, data) {
    const frame = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
    if (frame.type === 'ping') return ws.send('{"type":"pong"}');
    if (frame.type !== 'send' || typeof frame.content !== 'string') return;
    const message = {
      id: crypto.randomUUID(),
      roomId: this.ctx.id.toString(),
      seq: ++this.seq,
      senderId: null,
      clientId: frame.clientId ?? '',
      type: 'text',
      content: frame.content,
      replyToSeq: null,
      createdAt: new Date().toISOString(),
      editedAt: null,
      deletedAt: null,
      reactions: [],
    };
    this.ctx.storage.sql.exec(
      'insert into messages (seq, id, client_id, content, created_at) values (?, ?, ?, ?, ?)',
      message.seq,
      message.id,
      message.clientId,
      message.content,
      message.createdAt,
    );
    ws.send(JSON.stringify({ type: 'ack', clientId: message.clientId, id: message.id, seq: message.seq, createdAt: message.createdAt }));
    const encoded = JSON.stringify({ type: 'message', message });
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.send(encoded);
      } catch {
        // closing
      }
    }
  }

  async webSocketClose(ws, code) {
    ws.close(code === 1005 ? 1000 : code, 'bye');
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/api/health') return new Response('ok');
    const match = /^\/ws\/rooms\/([\w-]{1,64})$/.exec(url.pathname);
    if (!match || request.headers.get('upgrade') !== 'websocket') return new Response('not found', { status: 404 });
    return env.ROOMS.get(env.ROOMS.idFromName(match[1])).fetch(request);
  },
};
