/**
 * Threads in the open room, worked out from the messages the page holds: which are thread
 * replies (never shown in the chat itself), each root's line ("3 replies · last reply 10:42")
 * and whether its thread has replies I have not seen (the unread dot).
 */
import type { WireMessage } from './protocol';
import { mentions } from './mentions';

export interface ThreadLine {
  count: number;
  lastReplyAt: string;
  /** Someone else replied since I last had this thread open. */
  unread: boolean;
}

export const isThreadReply = (m: { threadRootSeq?: number }) => m.threadRootSeq !== undefined;

/**
 * A thread reply someone else wrote is for me, and counts in the chat's unread badge, if it
 * mentions me or I wrote its root or an earlier reply (the rule of drizzle/queries/rooms.ts and
 * of the room's thread audience); `bySeq`: the messages the page holds.
 */
export function replyIsForMe(reply: WireMessage, me: string, myUsername: string, bySeq: ReadonlyMap<number, WireMessage>): boolean {
  const root = reply.threadRootSeq;
  if (root === undefined) return false;
  if (reply.type === 'text' && mentions(reply.content, myUsername)) return true;
  if (bySeq.get(root)?.senderId === me) return true;
  for (const m of bySeq.values()) if (m.threadRootSeq === root && m.seq < reply.seq && m.senderId === me) return true;
  return false;
}

/** The replies the page holds, by root, oldest first. */
export function repliesByRoot(messages: readonly WireMessage[]): Map<number, WireMessage[]> {
  const byRoot = new Map<number, WireMessage[]>();
  for (const m of messages) {
    if (m.threadRootSeq === undefined) continue;
    const list = byRoot.get(m.threadRootSeq) ?? [];
    list.push(m);
    byRoot.set(m.threadRootSeq, list);
  }
  return byRoot;
}

/**
 * A root's line: the room's count (on the root), or the live replies seen here when there are
 * more (a root older than the room's recent log is counted by the server only when stored).
 * `seenSeq`: the newest reply I saw in the thread's panel (0: never opened here).
 */
export function threadLineOf(root: WireMessage, replies: readonly WireMessage[], seenSeq: number, me: string): ThreadLine | null {
  const live = replies.filter((r) => !r.deletedAt);
  const count = Math.max(root.thread?.replyCount ?? 0, live.length);
  if (count === 0) return null;
  const newestHere = live.at(-1)?.createdAt ?? '';
  const fromRoot = root.thread?.lastReplyAt ?? '';
  const lastReplyAt = newestHere > fromRoot ? newestHere : fromRoot;
  const unread = live.some((r) => r.seq > seenSeq && r.senderId !== me);
  return { count, lastReplyAt, unread };
}

/** Whether a message can start (or be) a thread's root: a live message people sent, not a reply, outside secret chats. */
export function canStartThread(m: WireMessage): boolean {
  return m.threadRootSeq === undefined && !m.deletedAt && m.type !== 'system' && m.type !== 'secret';
}
