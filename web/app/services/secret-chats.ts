/**
 * Secret chats on this device (docs/e2e.md): its keys, sealing what I send to every
 * device of both people, opening what arrives, and safety numbers. One instance per
 * signed-in user; every use of the device state goes through one queue, because a
 * ratchet step must never run twice on the same state.
 */
import type { WireMessage } from '../lib/protocol';
import { fromBase64Url } from '../lib/e2e/bytes';
import { createDeviceState, openMessage, sealedMessageSchema, sealMessage, type DeviceState, type OpenResult } from '../lib/e2e/device';
import { DeviceStore, type StoredPlaintext } from '../lib/e2e/device-store';
import { asRecipients, devicesOf, listDevices, registerDevice, topUpPrekeys, type DirectoryTransport } from '../lib/e2e/directory';
import { decodePayload, encodePayload, type SecretPayload } from '../lib/e2e/payload';
import { safetyNumber } from '../lib/e2e/safety-number';
import { request } from './api';
import { matchesSearchQuery, type SearchQuery } from '../../../drizzle/queries/search-terms';

/** A match in a secret room, from this device's store. */
export interface DeviceSearchHit {
  seq: number;
  content: string;
  senderId: string | null;
  /** Unknown for what was opened before the device kept it. */
  createdAt: string | null;
}

/** How often this device asks how many one-time prekeys it has left. */
const PREKEY_CHECK_MS = 10 * 60_000;

const transport: DirectoryTransport = {
  request: (method, path, body) => request(method, path, body === undefined ? {} : { body }),
};

export class SecretChats {
  private static instances = new Map<string, Promise<SecretChats>>();
  private queue: Promise<unknown> = Promise.resolve();
  private prekeysCheckedAt = 0;

  private constructor(
    readonly userId: string,
    private readonly store: DeviceStore,
    private state: DeviceState | undefined,
  ) {}

  static for(userId: string): Promise<SecretChats> {
    let instance = SecretChats.instances.get(userId);
    if (!instance) {
      instance = DeviceStore.open(userId).then(async (store) => new SecretChats(userId, store, await store.device()));
      instance.catch(() => SecretChats.instances.delete(userId));
      SecretChats.instances.set(userId, instance);
    }
    return instance;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }

  /** This device, registered with the key directory on first use. */
  private async device(): Promise<DeviceState> {
    if (this.state?.deviceId) return this.state;
    const state = this.state ?? (await createDeviceState());
    await registerDevice(transport, state);
    await this.store.saveDevice(state);
    this.state = state;
    return state;
  }

  /** Registers this device now (opening a secret chat does), so that messages can be sealed for it. */
  ready(): Promise<void> {
    return this.serial(async () => {
      const state = await this.device();
      void this.topUpPrekeys(state);
    });
  }

  /**
   * Now and then (when a secret chat opens), publishes new one-time prekeys if few are left. In
   * the background: only saving the new private keys waits its turn in the queue.
   */
  private async topUpPrekeys(state: DeviceState): Promise<void> {
    if (Date.now() - this.prekeysCheckedAt < PREKEY_CHECK_MS) return;
    this.prekeysCheckedAt = Date.now();
    try {
      await topUpPrekeys(transport, state, (s) => this.serial(() => this.store.saveDevice(s)));
    } catch {
      this.prekeysCheckedAt = 0; // offline or refused: try again next time
    }
  }

  /** The sealed JSON of `payload` for every device of these people; its plaintext stays on this device. */
  seal(userIds: string[], payload: SecretPayload, clientId: string): Promise<string> {
    return this.serial(async () => {
      const state = await this.device();
      const sealed = await this.sealFor(state, userIds, encodePayload(payload));
      await this.store.saveOpened(state, [sentKey(clientId)], { payload });
      return sealed;
    });
  }

  /**
   * A control message (a call's fingerprints) for the devices of `userIds`, in the same
   * sessions as the chat's messages; nothing of it is kept but the sessions' new state.
   */
  sealControl(userIds: string[], plaintext: Uint8Array): Promise<string> {
    return this.serial(async () => {
      const state = await this.device();
      const sealed = await this.sealFor(state, userIds, plaintext);
      await this.store.saveDevice(state);
      return sealed;
    });
  }

  private async sealFor(state: DeviceState, userIds: string[], plaintext: Uint8Array): Promise<string> {
    const devices = await devicesOf(transport, userIds);
    const without = userIds.filter((id) => id !== this.userId && !devices.some((d) => d.userId === id));
    if (without.length) throw new Error('they have not opened secret chats on any device yet: ask them to open this chat once');
    return JSON.stringify(await sealMessage(state, plaintext, asRecipients(transport, devices)));
  }

  /** Opens a control message `senderId` sent (only from one of their devices): its bytes, or undefined. */
  openControl(senderId: string, sealedJson: string): Promise<Uint8Array | undefined> {
    return this.serial(async () => {
      const state = await this.device();
      const opened = await this.openFrom(state, senderId, sealedJson);
      if (!opened.ok) return undefined;
      await this.store.saveDevice(state);
      return opened.plaintext;
    });
  }

  /** What a secret message says, from this device's store, or opened now (exactly once). */
  open(message: WireMessage): Promise<StoredPlaintext> {
    return this.serial(async () => {
      const key = openedKey(message.roomId, message.seq);
      const stored = await this.store.plaintext(key);
      if (stored) return stored;
      const state = await this.device();
      const mine = message.senderId === this.userId ? await this.store.plaintext(sentKey(message.clientId)) : undefined;
      // Who and when are kept beside the text, for searching on the device.
      const result: StoredPlaintext = { ...(mine ?? (await this.openSealed(state, message))), senderId: message.senderId, createdAt: message.createdAt };
      await this.store.saveOpened(state, [key], result);
      return result;
    });
  }

  private async openSealed(state: DeviceState, message: WireMessage): Promise<StoredPlaintext> {
    if (!message.senderId) return { unreadable: 'undecryptable' };
    const opened = await this.openFrom(state, message.senderId, message.content);
    if (!opened.ok) return { unreadable: opened.why };
    const payload = decodePayload(opened.plaintext);
    return payload ? { payload } : { unreadable: 'undecryptable' };
  }

  /** Opens sealed JSON whose sending device must be one the key directory lists for `senderId`. */
  private async openFrom(state: DeviceState, senderId: string, sealedJson: string): Promise<OpenResult> {
    let sealed;
    try {
      sealed = sealedMessageSchema.parse(JSON.parse(sealedJson));
    } catch {
      return { ok: false, why: 'undecryptable' };
    }
    const sender = (await listDevices(transport, senderId)).find((d) => d.deviceId === sealed.from);
    if (!sender) return { ok: false, why: 'undecryptable' };
    return openMessage(state, sealed, { identityKey: fromBase64Url(sender.identityKey) });
  }

  /**
   * The messages of a secret room this device has opened that match `query`, newest first: the
   * server holds only ciphertext, so a secret chat is searched here, over the device's own copy.
   */
  async search(roomId: string, query: SearchQuery, limit = 100): Promise<DeviceSearchHit[]> {
    const prefix = openedPrefix(roomId);
    const hits: DeviceSearchHit[] = [];
    for (const { key, value } of await this.store.withPrefix(prefix)) {
      if (!('payload' in value)) continue;
      const { text, file } = value.payload;
      if (!matchesSearchQuery(`${text} ${file?.name ?? ''}`, query)) continue;
      hits.push({ seq: Number(key.slice(prefix.length)), content: text || file?.name || '', senderId: value.senderId ?? null, createdAt: value.createdAt ?? null });
    }
    return hits.sort((a, b) => b.seq - a.seq).slice(0, limit);
  }

  /** This browser's device in the key directory (none until it opened a secret chat). */
  thisDevice(): string | undefined {
    return this.state?.deviceId ?? undefined;
  }

  /**
   * Takes another of my devices (a lost phone) out of the directory: nothing new is sealed for
   * it. This browser's own device stays: removing it would leave its store unable to read on.
   */
  async removeDevice(deviceId: string): Promise<void> {
    if (deviceId === this.state?.deviceId) throw new Error('This browser is the device in use here.');
    await transport.request('DELETE', `/api/e2e/devices/${deviceId}`);
  }

  /** The safety number between me and `contactId`, over both people's current devices. */
  async safetyNumberWith(contactId: string): Promise<string> {
    await this.ready();
    const [mine, theirs] = await Promise.all([listDevices(transport, this.userId), listDevices(transport, contactId)]);
    const keys = (list: typeof mine) => list.map((d) => ({ identityKey: fromBase64Url(d.identityKey), signingKey: fromBase64Url(d.signingKey) }));
    return safetyNumber({ userId: this.userId, devices: keys(mine) }, { userId: contactId, devices: keys(theirs) });
  }

  /** Did I mark the safety number with `contactId` verified, and is it still the same? */
  async isVerified(contactId: string): Promise<boolean> {
    const [number, verified] = await Promise.all([this.safetyNumberWith(contactId), this.verifiedNumber(contactId)]);
    return verified === number;
  }

  verifiedNumber(contactId: string): Promise<string | undefined> {
    return this.store.verified(contactId);
  }

  setVerified(contactId: string, number: string | null): Promise<void> {
    return this.store.setVerified(contactId, number);
  }
}

const sentKey = (clientId: string) => `sent:${clientId}`;
const openedPrefix = (roomId: string) => `seq:${roomId}:`;
const openedKey = (roomId: string, seq: number) => `${openedPrefix(roomId)}${seq}`;
