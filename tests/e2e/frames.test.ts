/**
 * What clients put in frames and fields cannot hurt the room or the database:
 * bad frames get an `error` frame and the socket stays usable, identity comes
 * from the credential alone, and SQL-looking text in every field is stored and
 * returned verbatim (or refused by its format), never interpreted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, MAX_MESSAGE_CHARS } from '../../durable-objects/protocol';
import { uniqueName, type TestUser } from '../support/api';
import { connectAs, directPair, e2eApi, expectError } from '../support/e2e';
import { closeAllSockets, type TestSocket } from '../support/ws-client';

const api = e2eApi();
afterAll(closeAllSockets);

// No leading or trailing blanks: message text is trimmed by design.
const SQLISH = [
  "'; drop table users; --",
  '" or 1=1 --',
  "' or '1'='1",
  'back\\slash \\\\ and \\x00 \\n',
  '$1 $2::text %s %d',
  "Robert'); DELETE FROM messages WHERE ('1'='1",
  '/* comment */ select * from pg_user; --',
  '%_% _ %',
];

let alice: TestUser;
let bob: TestUser;
let roomId: string;
let a: TestSocket;
let b: TestSocket;
let n = 0;

/** Sends a message and returns its ack; fails on any other answer. */
async function sendOk(socket: TestSocket, content: string, extra: Record<string, unknown> = {}) {
  const clientId = `ok-${++n}`;
  socket.send({ type: 'send', clientId, content, ...extra });
  return socket.inbox.next('ack', (f) => f.clientId === clientId);
}

beforeAll(async () => {
  ({ alice, bob, roomId } = await directPair(api));
  a = await connectAs(api, alice, roomId);
  b = await connectAs(api, bob, roomId);
});

describe('malformed frames', () => {
  it('answers malformed JSON with bad_json and keeps the socket usable', async () => {
    for (const raw of ['{not json', '', '{"type":"send"', 'undefined', '\u0000']) {
      a.sendRaw(raw);
      expect(await a.inbox.next('error')).toMatchObject({ code: 'bad_json' });
    }
    const ack = await sendOk(a, 'still here after bad json');
    expect((await b.inbox.next('message', (f) => f.message.seq === ack.seq)).message.content).toBe('still here after bad json');
    expect(a.ws.readyState).toBe(a.ws.OPEN);
  });

  it('answers an oversized frame with frame_too_large and keeps the socket usable', async () => {
    const before = (await api.history(alice, roomId, '?limit=1')).messages[0]?.seq ?? 0;
    a.send({ type: 'send', clientId: 'big', content: 'x'.repeat(MAX_FRAME_BYTES) });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'frame_too_large' });
    // Counted in bytes, not characters: 2-byte characters under the limit in length, over it in size.
    a.send({ type: 'send', clientId: 'big2', content: 'é'.repeat(MAX_FRAME_BYTES / 2 + 8) });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'frame_too_large' });
    a.sendRaw(' '.repeat(MAX_FRAME_BYTES + 1));
    expect(await a.inbox.next('error')).toMatchObject({ code: 'frame_too_large' });
    // Under the frame limit but over the message limit: a bad frame, naming the clientId.
    a.send({ type: 'send', clientId: 'long', content: 'y'.repeat(MAX_MESSAGE_CHARS + 1) });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'bad_frame', clientId: 'long' });
    // Exactly at the message limit is fine, and comes back whole.
    const max = 'z'.repeat(MAX_MESSAGE_CHARS);
    const ack = await sendOk(a, max);
    expect(ack.seq).toBe(before + 1);
    expect((await b.inbox.next('message', (f) => f.message.seq === ack.seq)).message.content).toBe(max);
    expect(b.inbox.all('message').filter((f) => f.message.clientId.startsWith('big') || f.message.clientId === 'long')).toEqual([]);
  });

  it('answers binary frames, unknown types and invalid fields with bad_frame', async () => {
    a.ws.send(Buffer.from('{"type":"send","clientId":"bin","content":"hi"}'));
    expect(await a.inbox.next('error')).toMatchObject({ code: 'bad_frame' });
    for (const frame of [
      { type: 'shout', content: 'hi' },
      { type: 'send', content: 'no client id' },
      { type: 'send', clientId: 'blank', content: '   ' },
      { type: 'send', clientId: 'num', content: 42 },
      { type: 'send', clientId: 'reply', content: 'x', replyToSeq: -1 },
      ['send', 'an array'],
      42,
      null,
    ]) {
      a.send(frame);
      expect(await a.inbox.next('error'), JSON.stringify(frame)).toMatchObject({ code: 'bad_frame' });
    }
    await sendOk(a, 'still here after bad frames');
  });
});

describe('text that cannot be stored verbatim', () => {
  // Postgres text cannot hold U+0000, and UTF-8 cannot encode an unpaired surrogate.
  const UNSTORABLE = ['nul \u0000 byte', '\u0000', 'lone \ud800 surrogate', 'low \udc00 half'];

  it('is refused as a bad frame (not a retryable failure), and never fails anyone else’s messages', async () => {
    // A room of its own: this test sends many frames, and rooms limit each user's rate.
    const { alice, bob, roomId } = await directPair(api);
    const a = await connectAs(api, alice, roomId);
    const b = await connectAs(api, bob, roomId);
    for (const [i, content] of UNSTORABLE.entries()) {
      // Sent in one go with valid messages from both users: while the first one commits, the
      // rest queue up and would be committed together as one batch.
      a.send({ type: 'send', clientId: `before-${i}`, content: `valid before ${i}` });
      a.send({ type: 'send', clientId: `bad-${i}`, content });
      a.send({ type: 'send', clientId: `after-${i}`, content: `valid after ${i}` });
      b.send({ type: 'send', clientId: `bob-${i}`, content: `valid from bob ${i}` });
      const error = await a.inbox.next('error', (f) => f.clientId === `bad-${i}`);
      expect(error.code).toBe('bad_frame');
      expect(error.retryAfterMs).toBeUndefined();
      await a.inbox.next('ack', (f) => f.clientId === `before-${i}`);
      await a.inbox.next('ack', (f) => f.clientId === `after-${i}`);
      await b.inbox.next('ack', (f) => f.clientId === `bob-${i}`);
    }
    a.send({ type: 'send', clientId: 'edit-base', content: 'to be edited' });
    const { seq } = await a.inbox.next('ack', (f) => f.clientId === 'edit-base');
    a.send({ type: 'edit', seq, content: 'edited \u0000' });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'bad_frame' });
    a.send({ type: 'react', seq, emoji: '\u0000', on: true });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'bad_frame' });
    expect(a.inbox.all('error').filter((f) => f.code === 'unavailable')).toEqual([]);
    expect(b.inbox.all('error')).toEqual([]);
    const stored = (await api.history(alice, roomId, '?limit=50')).messages.map((m) => m.content);
    for (const content of UNSTORABLE) expect(stored).not.toContain(content);
  });

  it('is refused over REST with 400, not 500', async () => {
    const username = uniqueName('nul');
    const fields = { username, email: `${username}@example.test`, password: `pw-${crypto.randomUUID()}` };
    for (const content of UNSTORABLE) {
      await expectError(await api.request('POST', '/api/auth/register', { ...fields, displayName: content }), 400, 'bad_request');
      await expectError(await api.request('POST', '/api/auth/login', { login: content, password: 'whatever-1' }), 400, 'bad_request');
      const q = encodeURIComponent(content.replace(/[\ud800-\udfff]/g, '')); // URLs cannot carry lone surrogates
      if (q.includes('%00')) await expectError(await api.request('GET', `/api/users?q=${q}`, undefined, alice.token), 400, 'bad_request');
    }
    // The same registration without the bad display name goes through.
    expect((await api.request('POST', '/api/auth/register', fields)).status).toBe(201);
  });
});

describe('identity comes from the credential', () => {
  it('ignores a forged senderId (and any other server field) in a send', async () => {
    const forged = {
      senderId: bob.id,
      id: crypto.randomUUID(),
      seq: 999_999,
      roomId: crypto.randomUUID(),
      createdAt: '2000-01-01T00:00:00.000Z',
      type: 'send',
      messageType: 'system',
    };
    const ack = await sendOk(a, 'who sent this?', forged);
    expect(ack.seq).not.toBe(forged.seq);
    expect(ack.id).not.toBe(forged.id);
    const got = (await b.inbox.next('message', (f) => f.message.seq === ack.seq)).message;
    expect(got).toMatchObject({ senderId: alice.id, id: ack.id, roomId, type: 'text', content: 'who sent this?' });
    expect(got.createdAt).not.toBe(forged.createdAt);
    const stored = (await api.history(bob, roomId, `?before=${ack.seq + 1}&limit=1`)).messages[0]!;
    expect(stored).toMatchObject({ seq: ack.seq, senderId: alice.id, content: 'who sent this?' });
  });
});

describe('SQL-looking text in every field', () => {
  it('stores and returns message contents verbatim, live, in history and in a catch-up', async () => {
    const acks = [];
    for (const content of SQLISH) acks.push(await sendOk(a, content));
    const live = [];
    for (const ack of acks) live.push((await b.inbox.next('message', (f) => f.message.seq === ack.seq)).message.content);
    expect(live).toEqual(SQLISH);

    const history = await api.history(bob, roomId, `?limit=${SQLISH.length}`);
    expect(history.messages.map((m) => m.content)).toEqual([...SQLISH].reverse());

    const replay = await connectAs(api, bob, roomId, acks[0]!.seq - 1);
    const replayed = (await replay.inbox.next('history')).messages;
    expect(replayed.map((m) => m.content)).toEqual(SQLISH);
    await replay.close();
  });

  it('refuses SQL-looking clientIds by their format (bad_frame) and keeps the socket usable', async () => {
    // A room of its own: refused frames cost rate-limit tokens, and the tests above spent this room's.
    const pair = await directPair(api);
    const a = await connectAs(api, pair.alice, pair.roomId);
    const b = await connectAs(api, pair.bob, pair.roomId);
    for (const clientId of SQLISH) {
      a.send({ type: 'send', clientId, content: 'harmless' });
      const error = await a.inbox.next('error');
      expect(error.code).toBe('bad_frame');
      expect(error.message).toMatch(/clientId/);
    }
    const ack = await sendOk(a, 'still here after bad client ids');
    await b.inbox.next('message', (f) => f.message.seq === ack.seq);
    // Nothing was stored or broadcast for the refused frames.
    expect(b.inbox.all('message').filter((f) => SQLISH.includes(f.message.clientId))).toEqual([]);
    expect(b.inbox.all('message').filter((f) => f.message.content === 'harmless')).toEqual([]);
  });

  it('keeps SQL-looking registration fields verbatim and signs in with them', async () => {
    const username = uniqueName('drop_table_users');
    const email = `o'brien'--+or_1'_${username}@example.test`;
    const password = "'; drop table users; -- \\ $1";
    const displayName = `" or 1=1 -- \\ $1 '; drop table users; --`;
    const res = await api.request('POST', '/api/auth/register', { username, email, password, displayName });
    const body = (await res.json()) as { user: { id: string }; token: string };
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.user).toMatchObject({ username, displayName });

    for (const loginName of [username, email]) {
      const signedIn = await api.request('POST', '/api/auth/login', { login: loginName, password });
      expect(signedIn.status).toBe(200);
      const { token } = (await signedIn.json()) as { token: string };
      const me = await api.json('GET', '/api/me', undefined, token);
      expect(me.user).toMatchObject({ id: body.user.id, username, displayName });
    }
    // SQL in the login name or password matches nobody.
    for (const attempt of [
      { login: "' or 1=1 --", password },
      { login: `${username}' --`, password: 'anything-at-all' },
      { login: username, password: "' or '1'='1" },
    ]) {
      await expectError(await api.request('POST', '/api/auth/login', attempt), 401, 'unauthorized');
    }

    // The display name reaches the other side of a conversation unchanged.
    const user: TestUser = { id: body.user.id, username, email, password, token: body.token, cookie: '' };
    const dm = await api.openDirect(alice, user);
    const { rooms } = await api.json('GET', '/api/rooms', undefined, alice.token);
    const room = rooms.find((r: { id: string }) => r.id === dm);
    expect(room.members.find((m: { userId: string }) => m.userId === user.id)?.displayName).toBe(displayName);
    const socket = await connectAs(api, user, dm);
    expect(socket.ready.members.find((m) => m.userId === user.id)?.displayName).toBe(displayName);
    await socket.close();
  });

  it('refuses SQL-looking usernames by their format (400)', async () => {
    for (const username of SQLISH) {
      const email = `${uniqueName('fmt')}@example.test`;
      await expectError(await api.request('POST', '/api/auth/register', { username, email, password: `pw-${crypto.randomUUID()}` }), 400, 'bad_request');
      await expectError(await api.request('POST', '/api/rooms/direct', { username }, alice.token), 400, 'bad_request');
    }
  });

  it('searches usernames with SQL-looking and wildcard text literally', async () => {
    const search = async (q: string) => {
      const res = await api.request('GET', `/api/users?q=${encodeURIComponent(q)}`, undefined, alice.token);
      const text = await res.text();
      expect(res.status, text).toBe(200);
      return (JSON.parse(text) as { users: { id: string; username: string; displayName: string }[] }).users;
    };
    // Display names are searched too (a word starting with q): whatever is found contains q literally.
    const literally = (q: string) => (u: { username: string; displayName: string }) => {
      const name = u.displayName.toLowerCase();
      return u.username.startsWith(q.toLowerCase()) || name.startsWith(q.toLowerCase()) || name.includes(` ${q.toLowerCase()}`);
    };
    // The control: a real prefix finds Bob.
    expect((await search(bob.username.slice(0, 12))).map((u) => u.id)).toContain(bob.id);
    // Usernames are [a-z0-9_] and every test user has one: unescaped, '%' would match them all.
    for (const q of [...SQLISH.map((s) => s.slice(0, 32)), '%', '%%', '\\', "'"]) {
      const found = await search(q);
      expect(found.every(literally(q)), q).toBe(true);
    }
    // '_' is literal too: only names that really contain it at that position match.
    const underscored = await search(`${bob.username.split('_')[0]}_`);
    expect(underscored.length).toBeGreaterThan(0);
    expect(underscored.every((u) => u.username.startsWith(`${bob.username.split('_')[0]}_`))).toBe(true);
    expect((await search('b_b')).every(literally('b_b'))).toBe(true);

    // Still all there afterwards.
    expect((await api.request('GET', '/api/me', undefined, bob.token)).status).toBe(200);
  });
});
