/**
 * Forwarding pictures, files and voice notes through the real Worker, the room objects and
 * the R2 simulation: each target room gets its own copy of the bytes (and thumbnail), posted
 * on its ordered path and marked forwarded; only its members can download it; a retry with
 * the same clientId stores nothing twice; the copy counts against the daily upload allowance;
 * non-members, secret chats' messages and secret chats as targets are refused.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { WireMessage } from '../../durable-objects/protocol';
import { WORKERS_TEST_ORIGIN } from '../../scripts/lib/test-settings';
import type { TestUser } from '../../tests/support/api';
import { api, connectRoom, worker } from '../../tests/support/workerd-client';
import { PNG, download, uploaded } from '../../tests/support/workerd-uploads';

type Forwarded = { forwarded: { roomId: string; ok: boolean; seq?: number; id?: string; reason?: string }[] };

function forward(user: TestUser, body: { roomId: string; seq: number; to: string[]; clientId: string }) {
  return api.request('POST', '/api/forward', body, user.token);
}

const storedUnder = async (roomId: string) => (await env.FILES.list({ prefix: `rooms/${roomId}/` })).objects.map((o) => o.key).sort();

/** Alice sends a file in her room with Bob and gets back its seq. */
async function sent(alice: TestUser, roomId: string, body: Uint8Array, query: string, type: string, content = '') {
  const attachment = await uploaded(alice, roomId, body, query, type);
  const a = await connectRoom(alice, roomId);
  a.send({ type: 'send', clientId: 'file', content, attachmentId: attachment.id });
  const ack = await a.inbox.next('ack');
  a.ws.close();
  return { attachment, seq: ack.seq };
}

describe('forwarding attachments', () => {
  it('copies a picture and its thumbnail into the target room, for its members only, once per clientId', async () => {
    const [alice, bob, carol] = [await api.register('alice'), await api.register('bob'), await api.register('carol')];
    const source = await api.openDirect(alice, bob);
    const target = await api.openDirect(alice, carol);
    const image = await uploaded(alice, source, PNG, 'kind=image&name=cat.png&width=640&height=480', 'image/png');
    const thumb = await worker.fetch(`${WORKERS_TEST_ORIGIN}/api/rooms/${source}/attachments/${image.id}/thumbnail`, {
      method: 'PUT',
      headers: { origin: WORKERS_TEST_ORIGIN, authorization: `Bearer ${alice.token}`, 'content-type': 'image/png' },
      body: PNG,
    });
    expect(thumb.status).toBe(204);
    const a = await connectRoom(alice, source);
    a.send({ type: 'send', clientId: 'img', content: 'our cat', attachmentId: image.id });
    const { seq } = await a.inbox.next('ack');

    const c = await connectRoom(carol, target);
    const body = { roomId: source, seq, to: [target], clientId: 'fwd-1' };
    const res = await forward(alice, body);
    expect(res.status).toBe(200);
    const first = (await res.json()) as Forwarded;
    expect(first.forwarded).toMatchObject([{ roomId: target, ok: true }]);

    // Carol sees it live: Alice's, marked forwarded, a picture of its own id with the same bytes.
    const { message } = await c.inbox.next('message');
    expect(message).toMatchObject({ type: 'image', content: 'our cat', senderId: alice.id, forwarded: true, seq: first.forwarded[0]!.seq });
    const copy = message.attachment!;
    expect(copy).toEqual({ ...image, id: copy.id, thumbnail: true });
    expect(copy.id).not.toBe(image.id);
    const got = await download(carol, `/api/rooms/${target}/attachments/${copy.id}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('content-disposition')).toMatch(/^inline; filename="cat.png"/);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(PNG);
    const small = await download(carol, `/api/rooms/${target}/attachments/${copy.id}/thumbnail`);
    expect(small.status).toBe(200);
    await small.arrayBuffer();

    // Each room's members reach only their room's copy.
    for (const [user, path] of [
      [bob, `/api/rooms/${target}/attachments/${copy.id}`],
      [carol, `/api/rooms/${source}/attachments/${image.id}`],
      [carol, `/api/rooms/${source}/attachments/${copy.id}`],
    ] as const) {
      const refused = await download(user, path);
      expect(refused.status).toBe(403);
      await refused.arrayBuffer();
    }
    // A copy in R2 under the target's key, the original untouched.
    const copies = [`rooms/${target}/${copy.id}`, `rooms/${target}/${copy.id}/thumbnail`].sort();
    expect(await storedUnder(target)).toEqual(copies);
    expect(await storedUnder(source)).toEqual([`rooms/${source}/${image.id}`, `rooms/${source}/${image.id}/thumbnail`].sort());

    // The same forward again (its answer was lost): the same message, no second copy.
    const again = (await (await forward(alice, body)).json()) as Forwarded;
    expect(again.forwarded).toEqual(first.forwarded);
    expect(await storedUnder(target)).toEqual(copies);
    expect(await c.inbox.none('message')).toHaveLength(0);
    const history = await api.json<{ messages: WireMessage[] }>('GET', `/api/rooms/${target}/messages`, undefined, carol.token);
    expect(history.messages.map((m) => [m.type, m.attachment?.id])).toEqual([['image', copy.id]]);

    // Deleting the original leaves the forwarded copy whole.
    a.send({ type: 'delete', seq });
    await a.inbox.next('updated');
    const still = await download(carol, `/api/rooms/${target}/attachments/${copy.id}`);
    expect(still.status).toBe(200);
    await still.arrayBuffer();
  });

  it('refuses non-members of the source or a target, and forwards nothing then', async () => {
    const [alice, bob, carol, eve] = [await api.register('alice'), await api.register('bob'), await api.register('carol'), await api.register('eve')];
    const source = await api.openDirect(alice, bob);
    const withCarol = await api.openDirect(alice, carol);
    const notHers = await api.openDirect(bob, eve);
    const { seq } = await sent(alice, source, PNG, 'kind=image&name=p.png', 'image/png');

    // Eve is in no room with that message.
    const eveTries = await forward(eve, { roomId: source, seq, to: [notHers], clientId: 'e' });
    expect(eveTries.status).toBe(403);
    await eveTries.arrayBuffer();
    // Alice is not in Bob and Eve's room: neither target gets anything.
    const aliceTries = await forward(alice, { roomId: source, seq, to: [withCarol, notHers], clientId: 'x' });
    expect(aliceTries.status).toBe(403);
    await aliceTries.arrayBuffer();
    expect(await storedUnder(notHers)).toEqual([]);
    expect(await storedUnder(withCarol)).toEqual([]);
    expect((await api.history(carol, withCarol)).messages).toEqual([]);
  });

  it('counts each copy against the daily upload allowance, all or nothing', async () => {
    const [alice, bob, carol, dan] = [await api.register('alice'), await api.register('bob'), await api.register('carol'), await api.register('dan')];
    const source = await api.openDirect(alice, bob);
    const withCarol = await api.openDirect(alice, carol);
    const withDan = await api.openDirect(alice, dan);
    // 40 kB uploaded of the 100 kB a day this project allows (vitest.config.ts): one copy fits, two do not.
    const pdf = new Uint8Array(40_000).fill(0x20);
    pdf.set(new TextEncoder().encode('%PDF-1.7\n'));
    const { seq } = await sent(alice, source, pdf, 'kind=file&name=report.pdf', 'application/pdf', 'the report');

    const over = await forward(alice, { roomId: source, seq, to: [withCarol, withDan], clientId: 'both' });
    expect(over.status).toBe(413);
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe('quota_exceeded');
    expect(await storedUnder(withCarol)).toEqual([]);
    expect(await storedUnder(withDan)).toEqual([]);

    const one = (await (await forward(alice, { roomId: source, seq, to: [withCarol], clientId: 'one' })).json()) as Forwarded;
    expect(one.forwarded).toMatchObject([{ ok: true }]);
    const history = await api.json<{ messages: WireMessage[] }>('GET', `/api/rooms/${withCarol}/messages`, undefined, carol.token);
    expect(history.messages[0]).toMatchObject({ type: 'file', content: 'the report', forwarded: true, attachment: { name: 'report.pdf', size: 40_000 } });
  });

  it('refuses a secret chat\'s messages, and secret chats as targets', async () => {
    const [alice, bob, carol] = [await api.register('alice'), await api.register('bob'), await api.register('carol')];
    const source = await api.openDirect(alice, bob);
    const a = await connectRoom(alice, source);
    a.send({ type: 'send_secret', clientId: 'sealed', sealed: '{"v":1}' });
    const { seq } = await a.inbox.next('ack');
    const res = await forward(alice, { roomId: source, seq, to: [await api.openDirect(alice, carol)], clientId: 's' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/end-to-end encrypted/);

    // Nor does a secret chat take a forwarded copy: only what its devices encrypt goes in.
    const image = await sent(alice, source, PNG, 'kind=image&name=p.png', 'image/png');
    const { room: secret } = await api.json<{ room: { id: string } }>('POST', '/api/rooms/secret', { username: carol.username }, alice.token);
    const into = await forward(alice, { roomId: source, seq: image.seq, to: [secret.id], clientId: 'into-secret' });
    expect(into.status).toBe(400);
    expect(((await into.json()) as { error: { message: string } }).error.message).toMatch(/secret chat/);
    expect(await storedUnder(secret.id)).toEqual([]);
  });
});
