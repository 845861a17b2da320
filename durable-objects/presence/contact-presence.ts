import type { ContactPresence } from '../protocol';

/** What a contact's presence frame says: online, or when they were last seen. */
export function contactPresence(userId: string, online: boolean, lastSeenAt: Date | null | undefined): ContactPresence {
  return { userId, online, lastSeenAt: online ? null : (lastSeenAt?.toISOString() ?? null) };
}
