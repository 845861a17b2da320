/**
 * Search end to end inside workerd with the real Postgres behind: messages sent
 * over the room socket, flushed by the room's outbox, found through /api/search;
 * people found by display name; a room muted through REST shows in the room list.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api, connectRoom } from '../../tests/support/workerd-client';
import type { TestUser } from '../../tests/support/api';

const room = (roomId: string) => env.ROOMS.get(env.ROOMS.idFromName(roomId));

async function say(user: TestUser, roomId: string, lines: string[]) {
  const socket = await connectRoom(user, roomId);
  for (const [i, content] of lines.entries()) socket.send({ type: 'send', clientId: `s${i}-${crypto.randomUUID()}`, content });
  const acks = [];
  for (let i = 0; i < lines.length; i++) acks.push(await socket.inbox.next('ack'));
  expect(await room(roomId).flushed()).toEqual({ unflushed: 0 });
  return { socket, seqs: acks.map((a) => a.seq) };
}

const search = (user: TestUser, query: string) => api.json('GET', `/api/search/messages?${query}`, undefined, user.token);

describe('message search', () => {
  it('finds words in my rooms only, newest first, with phrases and exclusions, in any language', async () => {
    const [ann, ben, cat] = [await api.register('ann'), await api.register('ben'), await api.register('cat')];
    const word = `zebra${Date.now().toString(36)}`;
    const annBen = await api.openDirect(ann, ben);
    const benCat = await api.openDirect(ben, cat);
    await say(ann, annBen, [`the ${word} crossed the road`, 'nothing here', `Ein ${word.toUpperCase()} läuft über die Straße`, `${word} stripes -- exclude me`]);
    await say(cat, benCat, [`a ${word} only ben and cat see`]);

    const annHits = (await search(ann, `q=${word}`)).results;
    expect(annHits.map((h: { content: string }) => h.content)).toEqual([
      `${word} stripes -- exclude me`,
      `Ein ${word.toUpperCase()} läuft über die Straße`,
      `the ${word} crossed the road`,
    ]);
    expect(annHits[0]).toMatchObject({ roomId: annBen, roomKind: 'direct', senderId: ann.id, senderUsername: ann.username, seq: 4 });

    const benHits = (await search(ben, `q=${word}`)).results;
    expect(benHits).toHaveLength(4);
    expect(benHits[0].roomId).toBe(benCat);
    expect((await search(ben, `q=${word}&roomId=${benCat}`)).results).toHaveLength(1);
    // Cat is not in Ann's room: nothing of it, even when asking for it by id.
    expect((await search(cat, `q=${word}&roomId=${annBen}`)).results).toEqual([]);

    expect((await search(ann, `q=${encodeURIComponent(`${word} -stripes`)}`)).results).toHaveLength(2);
    expect((await search(ann, `q=${encodeURIComponent(`"crossed the road"`)}`)).results.map((h: { seq: number }) => h.seq)).toEqual([1]);
    expect((await search(ann, `q=${encodeURIComponent('über')}`)).results.map((h: { seq: number }) => h.seq)).toEqual([3]);
    // Punctuation alone is no query, not an error.
    expect((await search(ann, `q=${encodeURIComponent('!!!')}`)).results).toEqual([]);
  });

  it('pages with an opaque cursor and leaves out deleted messages', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.openDirect(ann, ben);
    const word = `page${Date.now().toString(36)}`;
    const { socket, seqs } = await say(ann, roomId, Array.from({ length: 7 }, (_, i) => `${word} number ${i + 1}`));
    socket.send({ type: 'delete', seq: seqs[6] });
    await socket.inbox.next('updated');
    await room(roomId).flushed();

    const first = await search(ann, `q=${word}&limit=4`);
    expect(first.results.map((h: { seq: number }) => h.seq)).toEqual([6, 5, 4, 3]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await search(ann, `q=${word}&limit=4&cursor=${first.nextCursor}`);
    expect(second.results.map((h: { seq: number }) => h.seq)).toEqual([2, 1]);
    expect(second.nextCursor).toBeNull();
  });

  it('finds an edited message by its new words only, phrases too', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.openDirect(ann, ben);
    const [before, after] = [`old${Date.now().toString(36)}`, `new${Date.now().toString(36)}`];
    const { socket, seqs } = await say(ann, roomId, [`meet at the ${before} place`]);
    expect((await search(ann, `q=${before}`)).results.map((h: { seq: number }) => h.seq)).toEqual(seqs);
    // The outbox's upsert writes content only; the search column must follow it.
    socket.send({ type: 'edit', seq: seqs[0], content: `meet at the ${after} place` });
    await socket.inbox.next('updated');
    expect(await room(roomId).flushed()).toEqual({ unflushed: 0 });

    expect((await search(ann, `q=${before}`)).results).toEqual([]);
    expect((await search(ann, `q=${encodeURIComponent(`"the ${after} place"`)}`)).results.map((h: { content: string }) => h.content)).toEqual([
      `meet at the ${after} place`,
    ]);
  });

  it('refuses bad queries with a 400 and asks for a token', async () => {
    const ann = await api.register('ann');
    expect((await api.request('GET', '/api/search/messages?q=x')).status).toBe(401);
    for (const query of ['q=', 'q=x&cursor=garbage', 'q=x&roomId=nope', `q=${'x'.repeat(201)}`, 'q=x&limit=0']) {
      const res = await api.request('GET', `/api/search/messages?${query}`, undefined, ann.token);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    }
  });
});

describe('people search', () => {
  it('matches any word of the display name as well as the username', async () => {
    const ann = await api.register('ann');
    const tag = `q${Date.now().toString(36)}`;
    const res = await api.request('POST', '/api/auth/register', { username: `${tag}_zed`, email: `${tag}@example.test`, password: `pw-${crypto.randomUUID()}`, displayName: `Marie ${tag}Curie` });
    expect(res.status).toBe(201);
    const byWord = await api.json('GET', `/api/users?q=${tag}cu`, undefined, ann.token);
    expect(byWord.users.map((u: { username: string }) => u.username)).toEqual([`${tag}_zed`]);
    const byUsername = await api.json('GET', `/api/users?q=${tag}_z`, undefined, ann.token);
    expect(byUsername.users.map((u: { username: string }) => u.username)).toEqual([`${tag}_zed`]);
    expect((await api.json('GET', `/api/users?q=${tag}x`, undefined, ann.token)).users).toEqual([]);
  });
});

describe('muting a room', () => {
  it('stores the mute per member, shows it in the room list and unmutes', async () => {
    const [ann, ben, cat] = [await api.register('ann'), await api.register('ben'), await api.register('cat')];
    const roomId = await api.openDirect(ann, ben);
    const mutedOf = async (u: TestUser) => (await api.json('GET', '/api/rooms', undefined, u.token)).rooms.find((r: { id: string }) => r.id === roomId).mutedUntil;

    const hour = await api.json('PUT', `/api/rooms/${roomId}/mute`, { duration: '1h' }, ann.token);
    const until = Date.parse(hour.mutedUntil);
    expect(until - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(until - Date.now()).toBeLessThan(61 * 60_000);
    expect(await mutedOf(ann)).toBe(hour.mutedUntil);
    expect(await mutedOf(ben)).toBeNull();

    expect((await api.json('PUT', `/api/rooms/${roomId}/mute`, { duration: 'forever' }, ann.token)).mutedUntil).toBe('forever');
    expect(await mutedOf(ann)).toBe('forever');
    expect((await api.json('PUT', `/api/rooms/${roomId}/mute`, { duration: 'off' }, ann.token)).mutedUntil).toBeNull();
    expect(await mutedOf(ann)).toBeNull();

    expect((await api.request('PUT', `/api/rooms/${roomId}/mute`, { duration: '1h' }, cat.token)).status).toBe(403);
    expect((await api.request('PUT', `/api/rooms/${roomId}/mute`, { duration: '3 days' }, ann.token)).status).toBe(400);
  });
});
