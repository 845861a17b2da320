/**
 * Signing out leaves nothing behind, even when a save was already on its way (the chat saves
 * its newest messages a moment after they change): writes for a user whose session ended here
 * are dropped until that user signs in again. Node has no localStorage: a Map stands in for
 * the Web Storage API (getItem/setItem/removeItem/key/length).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { offlineStore } from './offline-store';
import { outboxStore, type PendingMessage } from './messages';
import type { WireMessage } from './protocol';

class MemoryStorage {
  private items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  key = (i: number) => [...this.items.keys()][i] ?? null;
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, String(v));
  removeItem = (k: string) => void this.items.delete(k);
  keys = () => [...this.items.keys()];
}

let storage: MemoryStorage;
beforeEach(() => {
  storage = new MemoryStorage();
  (globalThis as { localStorage?: unknown }).localStorage = storage;
});

const user = { id: 'u-1', username: 'ann', displayName: 'Ann', createdAt: '2026-01-01T00:00:00.000Z' };
const message = { seq: 1, roomId: 'r-1', senderId: 'u-1', content: 'hello' } as WireMessage;

describe('offlineStore after signing out', () => {
  it('drops saves that come after forget, until the user signs in again', () => {
    offlineStore.setLastUser(user);
    offlineStore.setMessages(user.id, 'r-1', { messages: [message], nextBefore: null });
    offlineStore.setDraft(user.id, 'r-1', 'half a thought');
    expect(storage.keys().filter((k) => k.includes(user.id))).toHaveLength(3); // the page, the order of pages, the draft

    offlineStore.forget(user.id);
    expect(storage.keys().filter((k) => k.includes(user.id))).toEqual([]);
    // The timers that were already set fire now.
    offlineStore.setMessages(user.id, 'r-1', { messages: [message], nextBefore: null });
    offlineStore.setRooms(user.id, []);
    offlineStore.setDraft(user.id, 'r-1', 'late');
    offlineStore.setReadCursor(user.id, 'r-1', 5);
    outboxStore.save(user.id, 'r-1', [{ clientId: 'c-1', content: 'unsent' } as PendingMessage]);
    expect(storage.keys().filter((k) => k.includes(user.id))).toEqual([]);

    // Signed in again: saving works as before.
    offlineStore.setLastUser(user);
    offlineStore.setDraft(user.id, 'r-1', 'back again');
    expect(offlineStore.draft(user.id, 'r-1')).toBe('back again');
  });
});
