/**
 * Secret chats end to end (docs/e2e.md), against the running app: a marker sent in a
 * secret chat — in the text, in a file's bytes and in its name — reaches both of the
 * other person's devices, and is found in no Postgres table, no file of the app's
 * state (the rooms' storage and R2's objects) and, through the run's log scan
 * (tests/support/private-marker.ts), no log line. A device added later cannot read it.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appInfo } from '../support/app';
import { connectAs, e2eApi, expectError } from '../support/e2e';
import { PRIVATE_MARKER } from '../support/private-marker';
import { newDevice, open, seal, type TestDevice } from '../support/secret-devices';
import { closeAllSockets } from '../support/ws-client';
import type { TestUser } from '../support/api';
import { decryptFile, encryptFile } from '../../web/app/lib/e2e/payload';
import { INITIAL_PREKEYS, topUpPrekeys } from '../../web/app/lib/e2e/directory';

const api = e2eApi();
const MARKER = `${PRIVATE_MARKER}-secret-${crypto.randomUUID().slice(0, 8)}`;

let db: pg.Client;
beforeAll(async () => {
  db = new pg.Client({ connectionString: appInfo().databaseUrl, connectionTimeoutMillis: 5_000, statement_timeout: 10_000 });
  await db.connect();
});
afterAll(async () => {
  await closeAllSockets();
  await db?.end();
});

async function uploadEncrypted(user: TestUser, roomId: string, bytes: Uint8Array): Promise<string> {
  const res = await fetch(`${api.baseUrl}/api/rooms/${roomId}/attachments?kind=file&sealed=1`, {
    method: 'POST',
    headers: { origin: api.origin, authorization: `Bearer ${user.token}`, 'content-type': 'application/octet-stream' },
    body: bytes as BufferSource,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return (JSON.parse(text) as { attachment: { id: string } }).attachment.id;
}

async function download(user: TestUser, roomId: string, id: string): Promise<Uint8Array> {
  const res = await fetch(`${api.baseUrl}/api/rooms/${roomId}/attachments/${id}`, {
    headers: { authorization: `Bearer ${user.token}` },
    signal: AbortSignal.timeout(30_000),
  });
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

/** Every row of every table in the app's schema, as text, that contains `needle`. */
async function tablesContaining(needle: string): Promise<string[]> {
  const tables = await db.query<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`);
  const found: string[] = [];
  for (const { name } of tables.rows) {
    const hit = await db.query(`select 1 from "${name}" t where t::text like $1 limit 1`, [`%${needle}%`]);
    if (hit.rowCount) found.push(name);
  }
  return found;
}

/** Files under `dir` (the app's Durable Object storage and R2 objects) whose bytes contain `needle`. */
function filesContaining(dir: string, needle: Uint8Array): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (err) {
      // SQLite's -shm and -journal files come and go while the app runs.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    if (bytes.indexOf(needle) >= 0) found.push(file);
  }
  return found;
}

describe('secret chats', () => {
  let ann: TestUser;
  let bob: TestUser;
  let roomId: string;
  let annPhone: TestDevice;
  let bobLaptop: TestDevice;
  let bobPhone: TestDevice;
  const fileBytes = new TextEncoder().encode(`the plan, in full: ${MARKER}\n`);
  const fileName = `plan ${MARKER}.txt`;
  let sentSeq: number;
  let sentClientId: string;
  let uploaded: Uint8Array;

  beforeAll(async () => {
    [ann, bob] = await Promise.all([api.register('ann'), api.register('bob')]);
    const opened = await api.json<{ room: { id: string; secret: boolean } }>('POST', '/api/rooms/secret', { username: bob.username }, ann.token);
    expect(opened.room.secret).toBe(true);
    roomId = opened.room.id;
    // The secret chat is a room of its own, beside the pair's ordinary conversation.
    expect(await api.openDirect(ann, bob)).not.toBe(roomId);
    [annPhone, bobLaptop, bobPhone] = await Promise.all([newDevice(api, ann), newDevice(api, bob), newDevice(api, bob)]);
  });

  it('the sender seals text and an encrypted file; the room stores and relays only ciphertext', async () => {
    const encrypted = await encryptFile(fileBytes);
    uploaded = encrypted.ciphertext;
    const attachmentId = await uploadEncrypted(ann, roomId, encrypted.ciphertext);
    const sealed = await seal(annPhone, [ann.id, bob.id], {
      text: `meet at noon ${MARKER}`,
      file: { id: attachmentId, key: encrypted.key, iv: encrypted.iv, name: fileName, type: 'text/plain', size: fileBytes.length },
    });
    expect(sealed).not.toContain(MARKER);
    const bobSocket = await connectAs(api, bob, roomId);
    const annSocket = await connectAs(api, ann, roomId);
    sentClientId = `secret-${crypto.randomUUID()}`;
    annSocket.send({ type: 'send_secret', clientId: sentClientId, sealed, attachmentId });
    sentSeq = (await annSocket.inbox.next('ack', (a) => a.clientId === sentClientId)).seq;
    const relayed = (await bobSocket.inbox.next('message', (m) => m.message.seq === sentSeq)).message;
    expect(relayed.type).toBe('secret');
    expect(relayed.content).toBe(sealed);
  });

  it('both of the other person’s devices open it, text, file name and file bytes', async () => {
    const { messages } = await api.history(bob, roomId);
    const message = messages.find((m) => m.seq === sentSeq)!;
    for (const device of [bobLaptop, bobPhone]) {
      const payload = await open(device, message);
      if (typeof payload === 'string') throw new Error(`could not open: ${payload}`);
      expect(payload.text).toBe(`meet at noon ${MARKER}`);
      expect(payload.file!.name).toBe(fileName);
      const bytes = await decryptFile(await download(bob, roomId, payload.file!.id), payload.file!);
      expect(new TextDecoder().decode(bytes)).toBe(new TextDecoder().decode(fileBytes));
    }
  });

  it('a device added later cannot read what was sent before it existed, and reads what follows', async () => {
    const bobTablet = await newDevice(api, bob);
    const { messages } = await api.history(bob, roomId);
    expect(await open(bobTablet, messages.find((m) => m.seq === sentSeq)!)).toBe('not_for_this_device');
    const annSocket = await connectAs(api, ann, roomId);
    const clientId = `later-${crypto.randomUUID()}`;
    annSocket.send({ type: 'send_secret', clientId, sealed: await seal(annPhone, [ann.id, bob.id], { text: 'hello tablet' }) });
    const seq = (await annSocket.inbox.next('ack', (a) => a.clientId === clientId)).seq;
    const later = (await api.history(bob, roomId)).messages.find((m) => m.seq === seq)!;
    expect(await open(bobTablet, later)).toEqual({ text: 'hello tablet' });
    expect(await open(bobLaptop, later)).toEqual({ text: 'hello tablet' });
  });

  it('the marker is in no Postgres table and no file of the rooms’ storage or R2', async () => {
    // Postgres is written behind the room: wait for the row, so the scan looks at it.
    for (const deadline = Date.now() + 30_000; ; ) {
      const rows = await db.query(`select content from messages where room_id = $1 and seq = $2`, [roomId, sentSeq]);
      if (rows.rowCount) {
        expect(rows.rows[0].content).toContain('"to":');
        break;
      }
      if (Date.now() > deadline) throw new Error('the secret message never reached Postgres');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await tablesContaining(MARKER)).toEqual([]);
    const dir = appInfo().persistDir;
    // The scan reads where the room and R2 keep things: the message's clientId and the uploaded ciphertext are there.
    expect(filesContaining(dir, Buffer.from(sentClientId)).length).toBeGreaterThan(0);
    expect(filesContaining(dir, Buffer.from(uploaded)).length).toBeGreaterThan(0);
    expect(filesContaining(dir, Buffer.from(MARKER))).toEqual([]);
    expect(filesContaining(dir, Buffer.from(encodeURIComponent(fileName)))).toEqual([]);
  });

  it('only people who share a room see a person’s devices; prekeys are handed out once', async () => {
    const stranger = await api.register('eve');
    await expectError(await api.request('GET', `/api/e2e/users/${bob.id}/devices`, undefined, stranger.token), 403, 'forbidden');
    await expectError(await api.request('POST', `/api/e2e/devices/${bobLaptop.state.deviceId}/claim`, undefined, stranger.token), 403, 'forbidden');
    const a = await api.json<{ bundle: { oneTimePrekey?: { id: number } } }>('POST', `/api/e2e/devices/${bobPhone.state.deviceId}/claim`, undefined, ann.token);
    const b = await api.json<{ bundle: { oneTimePrekey?: { id: number } } }>('POST', `/api/e2e/devices/${bobPhone.state.deviceId}/claim`, undefined, ann.token);
    expect(a.bundle.oneTimePrekey!.id).not.toBe(b.bundle.oneTimePrekey!.id);
    await expectError(await api.request('POST', '/api/e2e/devices', { identityKey: 'short' }, ann.token), 400);
  });

  it('a device whose one-time prekeys ran out publishes new ones, and a first message sealed with one opens', async () => {
    const [cam, dee] = await Promise.all([api.register('cam'), api.register('dee')]);
    await api.openDirect(cam, dee);
    const deePhone = await newDevice(api, dee);
    const path = `/api/e2e/devices/${deePhone.state.deviceId}/prekeys`;
    // Every one handed out: first messages would fall back to the signed prekey alone.
    for (let i = 0; i < INITIAL_PREKEYS; i++) await api.json('POST', `/api/e2e/devices/${deePhone.state.deviceId}/claim`, undefined, cam.token);
    expect((await api.json<{ count: number }>('GET', path, undefined, dee.token)).count).toBe(0);
    await expectError(await api.request('GET', path, undefined, cam.token), 404); // only the owner asks

    let saved = 0;
    expect(await topUpPrekeys(deePhone.transport, deePhone.state, async () => void saved++)).toBe(INITIAL_PREKEYS);
    expect(saved).toBe(1);
    expect((await api.json<{ count: number }>('GET', path, undefined, dee.token)).count).toBe(INITIAL_PREKEYS);
    expect(await topUpPrekeys(deePhone.transport, deePhone.state, async () => void saved++)).toBe(0); // enough left

    const camLaptop = await newDevice(api, cam);
    const sealed = await seal(camLaptop, [dee.id], { text: 'first words after the top-up' });
    const envelope = (JSON.parse(sealed) as { to: { d: string; i?: { opk?: number } }[] }).to.find((e) => e.d === deePhone.state.deviceId)!;
    expect(envelope.i?.opk).toBeDefined(); // X3DH used one of the new one-time prekeys
    expect(await open(deePhone, { content: sealed, senderId: cam.id })).toEqual({ text: 'first words after the top-up' });
  });

  it('an oversized sealed message gets an error frame and the socket stays usable', async () => {
    const socket = await connectAs(api, ann, roomId);
    socket.send({ type: 'send_secret', clientId: 'too-big', sealed: 'x'.repeat(61_000) });
    expect((await socket.inbox.next('error')).code).toMatch(/bad_frame|frame_too_large/);
    socket.send({ type: 'send_secret', clientId: 'fits', sealed: '{"v":1}' });
    await socket.inbox.next('ack', (a) => a.clientId === 'fits');
  });

  it('an encrypted upload goes only with a secret message', async () => {
    const attachmentId = await uploadEncrypted(ann, roomId, crypto.getRandomValues(new Uint8Array(64)));
    const socket = await connectAs(api, ann, roomId);
    socket.send({ type: 'send', clientId: 'plain-with-sealed', content: 'look', attachmentId });
    const refusal = await socket.inbox.next('error', (e) => e.clientId === 'plain-with-sealed');
    expect(refusal.code).toBe('forbidden');
    socket.send({ type: 'send_secret', clientId: 'sealed-with-sealed', sealed: '{"v":1}', attachmentId });
    await socket.inbox.next('ack', (a) => a.clientId === 'sealed-with-sealed');
  });
});
