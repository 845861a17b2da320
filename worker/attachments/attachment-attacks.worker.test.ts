/**
 * Attacks on uploads (issue 20 items 1, 8, 11; issue 19 item 3), through the real Worker,
 * the room object and the R2 simulation: a thumbnail swapped after sending, an unsent
 * upload read by another member, a quiet room's abandoned uploads, misleading names,
 * and the download's caching headers.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { WORKERS_TEST_ORIGIN } from '../../scripts/lib/test-settings';
import type { TestUser } from '../../tests/support/api';
import { connectRoom, worker } from '../../tests/support/workerd-client';
import { PDF, PNG, download, pair, uploaded } from '../../tests/support/workerd-uploads';
import { UPLOAD_SWEEP_DEADLINE, ABANDONED_UPLOAD_MS } from '../../durable-objects/room/upload-sweep';
import type { Deadlines } from '../../durable-objects/shared/deadlines';

const OTHER_PNG = new Uint8Array([...PNG.subarray(0, 16), 9, 9, 9, 9]);

const auth = (user: TestUser) => ({ origin: WORKERS_TEST_ORIGIN, authorization: `Bearer ${user.token}` });

function putThumbnail(user: TestUser, roomId: string, id: string, body: BodyInit, length = PNG.byteLength) {
  return worker.fetch(`${WORKERS_TEST_ORIGIN}/api/rooms/${roomId}/attachments/${id}/thumbnail`, {
    method: 'PUT',
    headers: { ...auth(user), 'content-type': 'image/png', 'content-length': String(length) },
    body,
  });
}

const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());
const r2Keys = async (roomId: string) => (await env.FILES.list({ prefix: `rooms/${roomId}/` })).objects.map((o) => o.key);
const roomOf = (roomId: string) => env.ROOMS.get(env.ROOMS.idFromName(roomId));

describe('a thumbnail cannot change once its attachment is sent or deleted (issue 20 #1)', () => {
  it('refuses a second thumbnail, and one after sending or deleting, with nothing written to R2', async () => {
    const { alice, bob, roomId } = await pair();
    const a = await connectRoom(alice, roomId);
    const image = await uploaded(alice, roomId, PNG, 'kind=image&name=cat.png', 'image/png');
    expect((await putThumbnail(alice, roomId, image.id, PNG)).status).toBe(204);
    // Replacing it before sending: refused too (a thumbnail is written once).
    expect((await putThumbnail(alice, roomId, image.id, OTHER_PNG)).status).toBe(409);
    a.send({ type: 'send', clientId: 'img', attachmentId: image.id });
    const { message } = await a.inbox.next('message');
    const afterSend = await putThumbnail(alice, roomId, image.id, OTHER_PNG);
    expect(afterSend.status).toBe(409);
    expect(await bytesOf(await download(bob, `/api/rooms/${roomId}/attachments/${image.id}/thumbnail`))).toEqual(PNG);

    // Sent without a thumbnail, then a PUT: refused before a byte is stored.
    const bare = await uploaded(alice, roomId, PNG, 'kind=image&name=dog.png', 'image/png');
    a.send({ type: 'send', clientId: 'bare', attachmentId: bare.id });
    await a.inbox.next('message', (f) => f.message.attachment?.id === bare.id);
    expect((await putThumbnail(alice, roomId, bare.id, OTHER_PNG)).status).toBe(409);
    expect((await download(bob, `/api/rooms/${roomId}/attachments/${bare.id}/thumbnail`)).status).toBe(404);
    expect(await r2Keys(roomId)).not.toContain(`rooms/${roomId}/${bare.id}/thumbnail`);

    // Deleted: no thumbnail comes back through a PUT.
    a.send({ type: 'delete', seq: message.seq });
    await a.inbox.next('updated');
    await expect.poll(() => r2Keys(roomId)).not.toContain(`rooms/${roomId}/${image.id}/thumbnail`);
    expect((await putThumbnail(alice, roomId, image.id, OTHER_PNG)).status).toBe(409);
    expect((await download(bob, `/api/rooms/${roomId}/attachments/${image.id}/thumbnail`)).status).not.toBe(200);
    expect(await r2Keys(roomId)).not.toContain(`rooms/${roomId}/${image.id}/thumbnail`);
  });

  it('a thumbnail whose bytes arrive after the attachment was sent is refused and deleted', async () => {
    const { alice, bob, roomId } = await pair();
    const a = await connectRoom(alice, roomId);
    const image = await uploaded(alice, roomId, PNG, 'kind=image&name=cat.png', 'image/png');
    let finish!: () => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(PNG.subarray(0, 16));
        finish = () => {
          controller.enqueue(PNG.subarray(16));
          controller.close();
        };
      },
    });
    const pending = putThumbnail(alice, roomId, image.id, body);
    // The PUT has reserved the thumbnail (its bytes are on their way) …
    await expect
      .poll(() => runInDurableObject(roomOf(roomId), (_o, state) => state.storage.sql.exec<{ t: number }>('select thumbnail as t from room_attachments where id = ?', image.id).one().t))
      .toBe(2);
    // … when the uploader sends the attachment: its message has no thumbnail.
    a.send({ type: 'send', clientId: 'img', attachmentId: image.id });
    const { message } = await a.inbox.next('message');
    expect(message.attachment?.thumbnail).toBe(false);
    finish();
    expect((await pending).status).toBe(409);
    expect(await r2Keys(roomId)).not.toContain(`rooms/${roomId}/${image.id}/thumbnail`);
    expect((await download(bob, `/api/rooms/${roomId}/attachments/${image.id}/thumbnail`)).status).toBe(404);
  });
});

describe('unsent uploads are their uploader\'s alone, and swept by the alarm (issue 19 #3)', () => {
  it('answers 404 to other members until the upload is sent', async () => {
    const { alice, bob, roomId } = await pair();
    const file = await uploaded(alice, roomId, PDF, 'kind=file&name=draft.pdf', 'application/pdf');
    const path = `/api/rooms/${roomId}/attachments/${file.id}`;
    expect((await download(bob, path)).status).toBe(404);
    expect((await download(bob, `${path}/thumbnail`)).status).toBe(404);
    const own = await download(alice, path);
    expect(own.status).toBe(200);
    expect(await bytesOf(own)).toEqual(PDF);
    const a = await connectRoom(alice, roomId);
    a.send({ type: 'send', clientId: 'f', attachmentId: file.id });
    await a.inbox.next('message');
    const sent = await download(bob, path);
    expect(sent.status).toBe(200);
    expect(await bytesOf(sent)).toEqual(PDF);
  });

  it('schedules the sweep at upload + 24 h; the alarm then deletes the bytes with no other upload in the room', async () => {
    const { alice, roomId } = await pair();
    const before = Date.now();
    const stale = await uploaded(alice, roomId, PDF, 'kind=file&name=forgotten.pdf', 'application/pdf');
    const room = roomOf(roomId);
    const due = await runInDurableObject(room, (_o, state) =>
      state.storage.sql.exec<{ at: number }>('select at from deadlines where name = ?', UPLOAD_SWEEP_DEADLINE).one().at,
    );
    expect(due).toBeGreaterThanOrEqual(before + ABANDONED_UPLOAD_MS);
    expect(due).toBeLessThanOrEqual(Date.now() + ABANDONED_UPLOAD_MS);
    const fresh = await uploaded(alice, roomId, PDF, 'kind=file&name=recent.pdf', 'application/pdf');
    expect(await r2Keys(roomId)).toContain(`rooms/${roomId}/${stale.id}`);
    // A day passes for the first upload (its age and the deadline moved back; no waiting).
    // The room keeps its deadlines in memory (written through), so the deadline moves through them.
    await runInDurableObject(room, async (instance, state) => {
      state.storage.sql.exec("update room_attachments set created_at = '2020-01-01T00:00:00.000Z' where id = ?", stale.id);
      await (instance as unknown as { deadlines: Deadlines }).deadlines.set(UPLOAD_SWEEP_DEADLINE, Date.now());
    });
    // Due now: the alarm runs here unless the runtime already ran it.
    await runDurableObjectAlarm(room);
    await expect.poll(() => r2Keys(roomId)).not.toContain(`rooms/${roomId}/${stale.id}`);
    expect(await r2Keys(roomId)).toContain(`rooms/${roomId}/${fresh.id}`);
    // The next sweep is due when the remaining upload expires.
    const next = await runInDurableObject(room, (_o, state) =>
      state.storage.sql.exec<{ at: number }>('select at from deadlines where name = ?', UPLOAD_SWEEP_DEADLINE).one().at,
    );
    expect(next).toBeGreaterThanOrEqual(before + ABANDONED_UPLOAD_MS);
    const a = await connectRoom(alice, roomId);
    a.send({ type: 'send', clientId: 'late', attachmentId: stale.id });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'not_found', clientId: 'late' });
  });
});

describe('misleading names and download headers (issue 20 #8, #11)', () => {
  it('stores a text file named setup.exe as setup.exe.txt, without zero-width characters', async () => {
    const { alice, bob, roomId } = await pair();
    const name = encodeURIComponent('set\u200Bup.exe');
    const file = await uploaded(alice, roomId, new TextEncoder().encode('@echo off\r\n'), `kind=file&name=${name}`, 'application/x-msdownload');
    expect(file).toMatchObject({ name: 'setup.exe.txt', contentType: 'text/plain' });
    const a = await connectRoom(alice, roomId);
    a.send({ type: 'send', clientId: 'f', attachmentId: file.id });
    await a.inbox.next('message');
    const res = await download(bob, `/api/rooms/${roomId}/attachments/${file.id}`);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="setup.exe.txt"; filename*=UTF-8''setup.exe.txt`);
    // Immutable bytes under an id: cached privately by the member's browser (docs/api.md), never by a shared cache.
    expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    await res.arrayBuffer();
    const refused = await download(bob, `/api/rooms/${roomId}/attachments/${crypto.randomUUID()}`);
    expect(refused.status).toBe(404);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    await refused.arrayBuffer();
  });
});
