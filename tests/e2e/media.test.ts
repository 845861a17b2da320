/**
 * Albums and the "Media, files and links" tab end to end, against `wrangler dev` and
 * PostgreSQL: pictures sent together over the socket as one album (each its own send, one
 * albumId, resends stored once), and GET /api/rooms/:roomId/media paged by its cursor,
 * members only, without deleted messages or the ones the reader deleted for themselves.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerFrame, WireMessage } from '../../durable-objects/protocol';
import type { TestApi, TestUser } from '../support/api';
import { connectAs, directPair, e2eApi, expectError, uploadAs } from '../support/e2e';
import { closeAllSockets, type TestSocket } from '../support/ws-client';

const api = e2eApi();
afterAll(closeAllSockets);

type Ack = Extract<ServerFrame, { type: 'ack' }>;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4]);
const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n');

function upload(user: TestUser, roomId: string, kind: 'image' | 'file', name: string): Promise<string> {
  return kind === 'image' ? uploadAs(api, user, roomId, kind, name, PNG, 'image/png') : uploadAs(api, user, roomId, kind, name, PDF, 'application/pdf');
}

async function send(socket: TestSocket, frame: { content?: string; attachmentId?: string; albumId?: string }, clientId = crypto.randomUUID()): Promise<Ack> {
  socket.send({ type: 'send', clientId, content: frame.content ?? '', ...frame });
  return socket.inbox.next('ack', (f) => f.clientId === clientId);
}

interface MediaPage {
  messages: WireMessage[];
  nextBefore: number | null;
}

function media(client: TestApi, user: TestUser, roomId: string, query: string): Promise<MediaPage> {
  return client.json<MediaPage>('GET', `/api/rooms/${roomId}/media?${query}`, undefined, user.token);
}

/** Every page of one kind, following the cursor. */
async function allMedia(user: TestUser, roomId: string, kind: string, limit: number): Promise<{ seqs: number[]; pages: number }> {
  const seqs: number[] = [];
  let before: number | null = null;
  let pages = 0;
  do {
    const page: MediaPage = await media(api, user, roomId, `kind=${kind}&limit=${limit}${before ? `&before=${before}` : ''}`);
    seqs.push(...page.messages.map((m) => m.seq));
    before = page.nextBefore;
    pages += 1;
  } while (before !== null && pages < 20);
  return { seqs, pages };
}

describe('albums over the socket', () => {
  it('pictures sent together carry one albumId to everyone, a resend is stored once, and an album needs a file', async () => {
    const { alice, bob, roomId } = await directPair(api);
    const [aliceSocket, bobSocket] = await Promise.all([connectAs(api, alice, roomId), connectAs(api, bob, roomId)]);
    const albumId = crypto.randomUUID();
    const ids = [await upload(alice, roomId, 'image', 'one.png'), await upload(alice, roomId, 'image', 'two.png'), await upload(alice, roomId, 'image', 'three.png')];
    const clientIds = ids.map(() => crypto.randomUUID());
    const acks: Ack[] = [];
    for (const [i, attachmentId] of ids.entries()) {
      acks.push(await send(aliceSocket, { attachmentId, albumId, content: i === 0 ? 'the beach' : '' }, clientIds[i]));
    }
    // A resend of the second (its ack lost) is acknowledged again with the same seq, not stored again.
    const again = await send(aliceSocket, { attachmentId: ids[1], albumId }, clientIds[1]);
    expect(again.seq).toBe(acks[1]!.seq);

    const received: WireMessage[] = [];
    for (const ack of acks) received.push((await bobSocket.inbox.next('message', (f) => f.message.seq === ack.seq)).message);
    expect(received.map((m) => [m.type, m.attachment?.name, m.attachment?.albumId])).toEqual([
      ['image', 'one.png', albumId],
      ['image', 'two.png', albumId],
      ['image', 'three.png', albumId],
    ]);
    expect(received[0]!.content).toBe('the beach');
    expect(acks.map((a) => a.seq)).toEqual([acks[0]!.seq, acks[0]!.seq + 1, acks[0]!.seq + 2]);

    // History (REST) says the same: three messages of one album, the resend not among them.
    const history = (await api.history(bob, roomId)).messages as unknown as WireMessage[];
    expect(history.filter((m) => m.attachment?.albumId === albumId).map((m) => m.seq).sort()).toEqual(acks.map((a) => a.seq));

    // An albumId without a file is refused with an error frame; the socket stays usable.
    const clientId = crypto.randomUUID();
    aliceSocket.send({ type: 'send', clientId, content: 'just text', albumId });
    const error = await aliceSocket.inbox.next('error', (f) => f.clientId === clientId);
    expect(error.code).toBe('bad_frame');
    expect(error.message).toMatch(/album/);
    aliceSocket.send({ type: 'send', clientId, content: 'just text', albumId: 'not-a-uuid', attachmentId: ids[0] });
    expect((await aliceSocket.inbox.next('error', (f) => f.clientId === clientId)).message).toMatch(/albumId/);
    expect((await send(aliceSocket, { content: 'still here' })).seq).toBe(acks[2]!.seq + 1);
  });
});

describe('GET /api/rooms/:roomId/media', () => {
  it('pages pictures, files and links newest first, without deleted or hidden messages, members only', async () => {
    const { alice, bob, roomId } = await directPair(api);
    const socket = await connectAs(api, alice, roomId);
    const pictures: number[] = [];
    for (let i = 0; i < 5; i++) pictures.push((await send(socket, { attachmentId: await upload(alice, roomId, 'image', `p${i}.png`) })).seq);
    const file = (await send(socket, { attachmentId: await upload(alice, roomId, 'file', 'notes.pdf') })).seq;
    const link = (await send(socket, { content: 'see https://example.com/page for the plan' })).seq;
    await send(socket, { content: 'no link here, example.com is not one without its scheme' });

    // Alice deletes one picture for everyone; Bob deletes another for himself.
    socket.send({ type: 'delete', seq: pictures[1]! });
    await socket.inbox.next('updated', (f) => f.message.seq === pictures[1] && f.message.deletedAt !== null);
    const hide = await api.request('PUT', `/api/rooms/${roomId}/messages/${pictures[3]}/hidden`, undefined, bob.token);
    expect(hide.status).toBe(200);

    const newestFirst = (seqs: number[]) => [...seqs].sort((a, b) => b - a);
    // Pages of two follow the cursor to the end, every picture once.
    const bobPictures = await allMedia(bob, roomId, 'pictures', 2);
    expect(bobPictures.seqs).toEqual(newestFirst([pictures[0]!, pictures[2]!, pictures[4]!]));
    expect(bobPictures.pages).toBeGreaterThanOrEqual(2);
    expect((await allMedia(alice, roomId, 'pictures', 2)).seqs).toEqual(newestFirst([pictures[0]!, pictures[2]!, pictures[3]!, pictures[4]!]));
    const first = await media(api, bob, roomId, 'kind=pictures&limit=2');
    expect(first.messages.map((m) => m.attachment?.name)).toEqual(['p4.png', 'p2.png']);
    expect(first.nextBefore).toBe(pictures[2]);

    const files = await media(api, bob, roomId, 'kind=files');
    expect(files.messages.map((m) => [m.seq, m.attachment?.name])).toEqual([[file, 'notes.pdf']]);
    expect(files.nextBefore).toBeNull();
    const links = await media(api, bob, roomId, 'kind=links');
    expect(links.messages.map((m) => m.seq)).toEqual([link]);

    // Someone else's chat is refused; bad queries are 400s with a message.
    const { alice: stranger } = await directPair(api);
    await expectError(await api.request('GET', `/api/rooms/${roomId}/media?kind=pictures`, undefined, stranger.token), 403, 'forbidden');
    await expectError(await api.request('GET', `/api/rooms/${roomId}/media?kind=videos`, undefined, bob.token), 400, 'bad_request');
    await expectError(await api.request('GET', `/api/rooms/${roomId}/media?kind=files&limit=0`, undefined, bob.token), 400, 'bad_request');
    await expectError(await api.request('GET', `/api/rooms/${roomId}/media?kind=files`), 401);
  });
});
