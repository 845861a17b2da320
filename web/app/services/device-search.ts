/**
 * Search in a secret chat: the server holds only ciphertext (docs/e2e.md), so the query runs
 * over this device's own copy of what it opened; results take the same shape as the server's.
 */
import { parseSearchQuery } from '../../../drizzle/queries/search-terms';
import type { RoomSummary, SearchHit } from './api';
import { secretChatsFor } from './secret-chats-lazy';

export async function searchOnDevice(me: string, room: RoomSummary, query: string): Promise<SearchHit[]> {
  const found = await (await secretChatsFor(me)).search(room.id, parseSearchQuery(query));
  return found.map((hit) => {
    const sender = room.members.find((m) => m.userId === hit.senderId);
    return {
      roomId: room.id,
      roomKind: room.kind,
      roomName: room.name,
      seq: hit.seq,
      senderId: hit.senderId,
      senderUsername: sender?.username ?? null,
      senderDisplayName: sender?.displayName ?? null,
      content: hit.content,
      createdAt: hit.createdAt ?? '',
    };
  });
}
