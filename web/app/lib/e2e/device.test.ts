/** Fan-out between devices: X3DH on first contact, one envelope per device, later devices read nothing older. */
import { describe, expect, it } from 'vitest';
import { fromBase64Url, utf8 } from './bytes';
import { createDeviceState, makePrekeys, openMessage, sealMessage, type DeviceState, type PublishedKeys, type RecipientDevice } from './device';
import type { PrekeyBundle } from './x3dh';

/** An in-memory key directory standing in for /api/e2e: publishes keys and hands out one-time prekeys once each. */
class Directory {
  private devices = new Map<string, PublishedKeys>();
  async register(state: DeviceState, id: string): Promise<void> {
    state.deviceId = id;
    this.devices.set(id, await makePrekeys(state, 3));
  }
  recipients(ids: string[]): RecipientDevice[] {
    return ids.map((id) => {
      const keys = this.devices.get(id)!;
      return { deviceId: id, identityKey: fromBase64Url(keys.identityKey), claim: async () => this.claim(id) };
    });
  }
  identityOf(id: string) {
    return { identityKey: fromBase64Url(this.devices.get(id)!.identityKey) };
  }
  private claim(id: string): PrekeyBundle {
    const keys = this.devices.get(id)!;
    const otk = keys.oneTimePrekeys.shift();
    return {
      identityKey: fromBase64Url(keys.identityKey),
      signingKey: fromBase64Url(keys.signingKey),
      signedPrekey: { id: keys.signedPrekey.id, publicKey: fromBase64Url(keys.signedPrekey.publicKey), signature: fromBase64Url(keys.signedPrekey.signature) },
      ...(otk ? { oneTimePrekey: { id: otk.id, publicKey: fromBase64Url(otk.publicKey) } } : {}),
    };
  }
}

async function device(directory: Directory, id: string): Promise<DeviceState> {
  const state = await createDeviceState();
  await directory.register(state, id);
  return state;
}

async function open(directory: Directory, state: DeviceState, sealed: Awaited<ReturnType<typeof sealMessage>>) {
  const result = await openMessage(state, sealed, directory.identityOf(sealed.from));
  return result.ok ? utf8.decode(result.plaintext) : result.why;
}

describe('secret messages between devices', () => {
  it('reach every device of both people, and a device added later reads none of the earlier ones', async () => {
    const dir = new Directory();
    const ann1 = await device(dir, 'ann1');
    const ann2 = await device(dir, 'ann2');
    const bob1 = await device(dir, 'bob1');
    const bob2 = await device(dir, 'bob2');
    const sealed = await sealMessage(ann1, utf8.encode('marker'), dir.recipients(['ann1', 'ann2', 'bob1', 'bob2']));
    expect(sealed.to.map((e) => e.d)).toEqual(['ann2', 'bob1', 'bob2']);
    expect(JSON.stringify(sealed)).not.toContain('marker');
    for (const d of [ann2, bob1, bob2]) expect(await open(dir, d, sealed)).toBe('marker');

    const bob3 = await device(dir, 'bob3');
    expect(await open(dir, bob3, sealed)).toBe('not_for_this_device');
    // From now on the new device is a recipient like the others.
    const later = await sealMessage(bob1, utf8.encode('welcome'), dir.recipients(['ann1', 'ann2', 'bob1', 'bob2', 'bob3']));
    for (const d of [ann1, ann2, bob2, bob3]) expect(await open(dir, d, later)).toBe('welcome');
  });

  it('keeps working when both devices start a session at the same time', async () => {
    const dir = new Directory();
    const ann = await device(dir, 'ann');
    const bob = await device(dir, 'bob');
    const fromAnn = await sealMessage(ann, utf8.encode('a'), dir.recipients(['bob']));
    const fromBob = await sealMessage(bob, utf8.encode('b'), dir.recipients(['ann']));
    expect(await open(dir, bob, fromAnn)).toBe('a');
    expect(await open(dir, ann, fromBob)).toBe('b');
    for (let i = 0; i < 3; i++) {
      expect(await open(dir, bob, await sealMessage(ann, utf8.encode(`a${i}`), dir.recipients(['bob'])))).toBe(`a${i}`);
      expect(await open(dir, ann, await sealMessage(bob, utf8.encode(`b${i}`), dir.recipients(['ann'])))).toBe(`b${i}`);
    }
  });

  it('opens a second first-contact message of the same session, then drops the X3DH header once answered', async () => {
    const dir = new Directory();
    const ann = await device(dir, 'ann');
    const bob = await device(dir, 'bob');
    const m1 = await sealMessage(ann, utf8.encode('one'), dir.recipients(['bob']));
    const m2 = await sealMessage(ann, utf8.encode('two'), dir.recipients(['bob']));
    expect(m2.to[0]!.i).toBeDefined();
    expect(await open(dir, bob, m2)).toBe('two');
    expect(await open(dir, bob, m1)).toBe('one');
    expect(await open(dir, ann, await sealMessage(bob, utf8.encode('ok'), dir.recipients(['ann'])))).toBe('ok');
    expect((await sealMessage(ann, utf8.encode('three'), dir.recipients(['bob']))).to[0]!.i).toBeUndefined();
  });

  it('deletes a one-time prekey once used: a replayed first message opens nothing', async () => {
    const dir = new Directory();
    const ann = await device(dir, 'ann');
    const bob = await device(dir, 'bob');
    const bobCopy = structuredClone(bob);
    const first = await sealMessage(ann, utf8.encode('first'), dir.recipients(['bob']));
    const opk = first.to[0]!.i!.opk!;
    expect(await open(dir, bob, first)).toBe('first');
    expect(bob.oneTimePrekeys[opk]).toBeUndefined();
    expect(bobCopy.oneTimePrekeys[opk]).toBeDefined();
    expect(await open(dir, bob, first)).toBe('undecryptable');
  });

  it('refuses a message whose sender is not the device the directory lists', async () => {
    const dir = new Directory();
    const ann = await device(dir, 'ann');
    const bob = await device(dir, 'bob');
    const mallory = await device(dir, 'mallory');
    const forged = await sealMessage(mallory, utf8.encode('i am ann'), dir.recipients(['bob']));
    expect(await open(dir, bob, { ...forged, from: 'ann' })).toBe('undecryptable');
    void ann;
  });
});
