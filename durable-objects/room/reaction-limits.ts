/**
 * How many different emoji one message may carry. Without a cap, members could
 * pile thousands of distinct reactions on a message, and every client would
 * render (and every history page would carry) all of them. Adding one more of
 * an emoji already there, or removing any, is always allowed. Only the room
 * writes reactions (in its log, or in Postgres for messages older than its
 * tail, one at a time in its serial queue), so a check before the write holds.
 */
import { MAX_DISTINCT_REACTIONS } from '../protocol';

export { MAX_DISTINCT_REACTIONS };

export type ReactionCheck = { ok: true } | { ok: false; message: string };

/** `existing`: the distinct emoji already on the message. */
export function checkReaction(existing: Iterable<string>, emoji: string, on: boolean): ReactionCheck {
  if (!on) return { ok: true };
  const distinct = new Set(existing);
  if (distinct.has(emoji) || distinct.size < MAX_DISTINCT_REACTIONS) return { ok: true };
  return { ok: false, message: `a message can carry at most ${MAX_DISTINCT_REACTIONS} different reactions` };
}
