/**
 * Who hears of a thread reply outside the open room: the people who took part in the
 * thread (its root's sender and everyone who replied) and the members it mentions, as
 * a message of the main timeline would. Muting is the inbox's concern, as for every message.
 */
import type { WireMessage } from '../protocol';
import { mentions } from '../shared/mentions';

export function threadAudience(reply: WireMessage, participants: readonly string[], members: readonly { userId: string; username: string }[]): Set<string> {
  const audience = new Set(participants);
  if (reply.type === 'text') {
    for (const m of members) if (mentions(reply.content, m.username)) audience.add(m.userId);
  }
  return audience;
}
