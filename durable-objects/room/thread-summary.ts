import type { ThreadSummary } from '../protocol';

/**
 * `{ thread }` for a root with live replies, else nothing: spread into a wire message. The
 * room's log and Postgres store the summary alike (a count and the newest reply's time).
 */
export function threadSummaryOf(replyCount: number | null, lastReplyAt: string | null): { thread?: ThreadSummary } {
  return replyCount && lastReplyAt ? { thread: { replyCount, lastReplyAt } } : {};
}
