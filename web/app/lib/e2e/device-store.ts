/**
 * This browser's secret-chat store, in IndexedDB (one database per signed-in user):
 * the device's state (its non-extractable identity CryptoKeys, prekeys and sessions)
 * and the plaintext of every secret message it sent or opened, which exists nowhere
 * else: the server has only ciphertext, and other devices their own copies.
 */
import type { DeviceState } from './device';
import type { SecretPayload } from './payload';

const VERSION = 1;

function openDatabase(userId: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(`edge-chat-secret-${userId}`, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore('device');
      db.createObjectStore('plaintext');
      db.createObjectStore('verified');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB is unavailable'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

function read<T>(db: IDBDatabase, store: string, key: string): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const request = db.transaction(store).objectStore(store).get(key);
    request.onsuccess = () => resolve(request.result as T | undefined);
    request.onerror = () => reject(request.error);
  });
}

/** Who sent a stored message and when (kept since search on the device; older entries lack it). */
export interface StoredMeta {
  senderId?: string | null;
  createdAt?: string;
}

/** A stored secret message as this device knows it. */
export type StoredPlaintext = ({ payload: SecretPayload } | { unreadable: 'not_for_this_device' | 'undecryptable' }) & StoredMeta;

export class DeviceStore {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(userId: string): Promise<DeviceStore> {
    return new DeviceStore(await openDatabase(userId));
  }

  device(): Promise<DeviceState | undefined> {
    return read<DeviceState>(this.db, 'device', 'self');
  }

  async saveDevice(state: DeviceState): Promise<void> {
    const tx = this.db.transaction('device', 'readwrite');
    tx.objectStore('device').put(state, 'self');
    await done(tx);
  }

  plaintext(key: string): Promise<StoredPlaintext | undefined> {
    return read<StoredPlaintext>(this.db, 'plaintext', key);
  }

  /** Every stored message whose key starts with `prefix` (one room's), in no particular order. */
  withPrefix(prefix: string): Promise<{ key: string; value: StoredPlaintext }[]> {
    return new Promise((resolve, reject) => {
      const found: { key: string; value: StoredPlaintext }[] = [];
      const request = this.db.transaction('plaintext').objectStore('plaintext').openCursor(IDBKeyRange.bound(prefix, `${prefix}\uffff`));
      request.onsuccess = () => {
        const cursor = request.result;
        if (!cursor) return resolve(found);
        found.push({ key: String(cursor.key), value: cursor.value as StoredPlaintext });
        cursor.continue();
      };
      request.onerror = () => reject(request.error);
    });
  }

  /** The device's new state and what it opened, in one transaction: a message is never opened twice. */
  async saveOpened(state: DeviceState, keys: string[], value: StoredPlaintext): Promise<void> {
    const tx = this.db.transaction(['device', 'plaintext'], 'readwrite');
    tx.objectStore('device').put(state, 'self');
    for (const key of keys) tx.objectStore('plaintext').put(value, key);
    await done(tx);
  }

  verified(contactId: string): Promise<string | undefined> {
    return read<string>(this.db, 'verified', contactId);
  }

  async setVerified(contactId: string, safetyNumber: string | null): Promise<void> {
    const tx = this.db.transaction('verified', 'readwrite');
    if (safetyNumber) tx.objectStore('verified').put(safetyNumber, contactId);
    else tx.objectStore('verified').delete(contactId);
    await done(tx);
  }
}
