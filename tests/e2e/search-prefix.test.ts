/**
 * Search finds what people type (issue 25), against `wrangler dev` and PostgreSQL: the last
 * word of a query is a prefix (`lisb` finds Lisbon), every other word of three letters or more
 * is too, phrases and exclusions stay whole words, and no input reaches tsquery syntax: quotes,
 * operators and backslashes are searched for as text, never a 500.
 */
import { describe, expect, it } from 'vitest';
import type { TestUser } from '../support/api';
import { connectAs, e2eApi, expectNoLeak } from '../support/e2e';

const api = e2eApi();

describe('prefix search', () => {
  it('matches the words being typed, keeps phrases and exclusions whole, and is safe with any input', async () => {
    const [ann, ben, cat] = [await api.register('ann'), await api.register('ben'), await api.register('cat')];
    const roomId = await api.createGroup(ann, 'Trips', [ben, cat]);
    const lines = [
      'Flying to Lisbon tomorrow',
      'Some **formatting** tips for the trip',
      'Formatting in lisbon cafés is an art',
      'A lone l and li here',
      "Quote: 'x' & y | !z <-> w \\ done",
    ];
    const socket = await connectAs(api, ann, roomId);
    for (const [i, content] of lines.entries()) {
      socket.send({ type: 'send', clientId: `p${i}-${crypto.randomUUID()}`, content });
      await socket.inbox.next('ack');
    }
    await socket.close();

    // Seqs of the hits, newest first, scoped to this room (other tests' messages stay out).
    const seqs = async (user: TestUser, q: string) => {
      const res = await api.request('GET', `/api/search/messages?roomId=${roomId}&q=${encodeURIComponent(q)}`, undefined, user.token);
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expectNoLeak(text);
      return (JSON.parse(text) as { results: { seq: number }[] }).results.map((h) => h.seq);
    };
    // Postgres is written behind the room: Cat watches for the last line (her own search budget).
    await expect.poll(() => seqs(cat, 'done'), { timeout: 20_000, interval: 500 }).toEqual([5]);

    expect(await seqs(ann, 'lisb')).toEqual([3, 1]);
    expect(await seqs(ann, 'Lisb?')).toEqual([3, 1]);
    expect(await seqs(ann, 'format')).toEqual([3, 2]);
    // Every word a prefix: both start words of message 3.
    expect(await seqs(ann, 'form lisb')).toEqual([3]);
    // A two-letter last word is a prefix; one letter is a whole word.
    expect(await seqs(ann, 'li')).toEqual([4, 3, 1]);
    expect(await seqs(ann, 'l')).toEqual([4]);
    // Phrases are whole words: "formatting tips" is one, "format tips" none.
    expect(await seqs(ann, '"formatting tips"')).toEqual([2]);
    expect(await seqs(ann, '"format tips"')).toEqual([]);
    // Exclusions are whole words too.
    expect(await seqs(ben, 'lisb -tomorrow')).toEqual([3]);
    expect(await seqs(ben, 'lisb -tomo')).toEqual([3, 1]);
    expect(await seqs(ben, 'tomorr or tips')).toEqual([2, 1]);
    // Only exclusions is no search (it would read every message).
    expect(await seqs(ben, '-lisbon')).toEqual([]);

    // tsquery syntax in the box is text: each of these is a plain search, never an error.
    for (const q of ["'x' & y", 'y | !z', 'z <-> w', '\\', "lisb':* | !", "')) or 1=1 --", ':*', '!!!']) {
      await seqs(ben, q);
    }
    expect(await seqs(ann, "'x' & y")).toEqual([5]);
  });
});
