/**
 * A new connection's first frames: `ready`, then everything after the client's
 * `after=` (history frames, then `synced`), then live frames. The tail part and
 * the switch to live happen in one synchronous step, so no message slips
 * between them: every message reaches the socket exactly once, in seq order.
 * The tail covers any catch-up up to MAX_RESUME_MESSAGES once the room has kept
 * its log that long; only older rooms' catch-ups read Postgres.
 */
import { messagesAfter } from '../../drizzle/queries/messages';
import { HISTORY_PAGE_SIZE, MAX_RESUME_MESSAGES, type MemberState } from '../protocol';
import { sendFrame, type HibernatingSockets } from '../shared/sockets';
import { logFailure } from '../shared/log-failure';
import type { ObjectDatabase } from '../shared/object-database';
import type { RoomLocalState } from './local-state';
import type { MessageLog } from './message-log';

/** "Try again later" (RFC 6455): the client reconnects with its backoff. */
const TRY_AGAIN_LATER = 1013;

export interface CatchUpDeps {
  local: RoomLocalState;
  sockets: HibernatingSockets;
  log: MessageLog;
  database: ObjectDatabase;
  roomId: string;
  members: () => MemberState[];
}

/** Greets `ws`; resolves false if it had to close it (older history unreachable). */
export async function catchUp(ws: WebSocket, userId: string, after: number | undefined, deps: CatchUpDeps): Promise<boolean> {
  const { local, log, database, roomId } = deps;
  const readyLastSeq = local.lastSeq;
  sendFrame(ws, { type: 'ready', roomId, userId, lastSeq: readyLastSeq, members: deps.members() });
  if (after === undefined) {
    deps.sockets.markLive(ws);
    return true;
  }
  const oldestResumed = readyLastSeq - MAX_RESUME_MESSAGES;
  let cursor = Math.max(after, oldestResumed);
  let sent = 0;
  const tailStart = log.tailStart(readyLastSeq);
  try {
    while (cursor + 1 < tailStart) {
      const upTo = tailStart - 1;
      const page = await database.run('catching up from Postgres', (db) =>
        messagesAfter(db, roomId, cursor, upTo, HISTORY_PAGE_SIZE),
      );
      if (page.length === 0) break;
      sendFrame(ws, { type: 'history', messages: page });
      sent += page.length;
      cursor = page.at(-1)!.seq;
    }
  } catch (err) {
    logFailure('catch-up from Postgres failed', err, { room: roomId, after: cursor });
    ws.close(TRY_AGAIN_LATER, 'older messages are unreachable for now: reconnect');
    return false;
  }
  // From here to markLive nothing awaits: no live frame can overtake or be missed.
  const lastSeq = local.lastSeq;
  for (let page = log.after(cursor, lastSeq, HISTORY_PAGE_SIZE); page.length; page = log.after(cursor, lastSeq, HISTORY_PAGE_SIZE)) {
    sendFrame(ws, { type: 'history', messages: page });
    sent += page.length;
    cursor = page.at(-1)!.seq;
  }
  // `synced` always answers `after=`, even when nothing was missed: one rule for clients.
  sendFrame(ws, { type: 'synced', lastSeq, complete: after >= oldestResumed || sent === 0 });
  deps.sockets.markLive(ws);
  return true;
}
