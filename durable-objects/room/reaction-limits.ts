/**
 * How many different emoji one message may carry. Without a cap, members could
 * pile thousands of distinct reactions on a message, and every client would
 * render (and every history page would carry) all of them. Adding one more of
 * an emoji already there, or removing any, is always allowed.
 */
export const MAX_DISTINCT_REACTIONS = 20;

export type ReactionCheck = { ok: true } | { ok: false; message: string };

/** `existing`: the distinct emoji already on the message. */
export function checkReaction(existing: Iterable<string>, emoji: string, on: boolean): ReactionCheck {
  if (!on) return { ok: true };
  const distinct = new Set(existing);
  if (distinct.has(emoji) || distinct.size < MAX_DISTINCT_REACTIONS) return { ok: true };
  return { ok: false, message: `a message can carry at most ${MAX_DISTINCT_REACTIONS} different reactions` };
}
