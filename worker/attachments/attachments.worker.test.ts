/**
 * Uploads and downloads through the real Worker into the R2 simulation, with the
 * room object and PostgreSQL behind them: membership, the size limit, types found
 * in the bytes, names, response headers, and attachment messages on the room's
 * ordered, exactly-once path (flushed to Postgres and back through history).
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES, type WireMessage } from '../../durable-objects/protocol';
import { drizzleOver, openPool } from '../../drizzle/connection';
import { messagesAfter } from '../../drizzle/queries/messages';
import type { TestUser } from '../../tests/support/api';
import { api, connectRoom, worker } from '../../tests/support/workerd-client';
import { PDF, PNG, download, pair, upload, uploaded } from '../../tests/support/workerd-uploads';
import { WORKERS_TEST_ORIGIN } from '../../scripts/lib/test-settings';

const HTML = new TextEncoder().encode('<!doctype html><script>alert(document.cookie)</script>');
const EXE = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]);
const WEBM = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81]);

describe('attachments', () => {
  it('sends an image through the room: one message, in order, with its thumbnail, in history and in Postgres', async () => {
    const { alice, bob, roomId } = await pair();
    const a = await connectRoom(alice, roomId);
    const b = await connectRoom(bob, roomId);
    const image = await uploaded(alice, roomId, PNG, 'kind=image&name=cat.png&width=640&height=480', 'image/png');
    expect(image).toMatchObject({ kind: 'image', name: 'cat.png', size: PNG.byteLength, contentType: 'image/png', width: 640, height: 480, thumbnail: false });
    const thumb = await worker.fetch(`${WORKERS_TEST_ORIGIN}/api/rooms/${roomId}/attachments/${image.id}/thumbnail`, {
      method: 'PUT',
      headers: { origin: WORKERS_TEST_ORIGIN, authorization: `Bearer ${alice.token}`, 'content-type': 'image/png' },
      body: PNG,
    });
    expect(thumb.status).toBe(204);

    a.send({ type: 'send', clientId: 'before', content: 'look' });
    a.send({ type: 'send', clientId: 'img', content: 'our cat', attachmentId: image.id });
    a.send({ type: 'send', clientId: 'after', content: 'cute?' });
    const got = [await b.inbox.next('message'), await b.inbox.next('message'), await b.inbox.next('message')].map((f) => f.message);
    expect(got.map((m) => [m.seq, m.type, m.content])).toEqual([[1, 'text', 'look'], [2, 'image', 'our cat'], [3, 'text', 'cute?']]);
    expect(got[1]!.attachment).toEqual({ ...image, thumbnail: true });

    // A resend (lost ack) is acknowledged again, not stored again; the upload cannot be sent twice.
    const ack = (await a.inbox.next('ack', (f) => f.clientId === 'img'));
    a.send({ type: 'send', clientId: 'img', content: 'our cat', attachmentId: image.id });
    expect(await a.inbox.next('ack', (f) => f.clientId === 'img' && f !== ack)).toEqual(ack);
    a.send({ type: 'send', clientId: 'img-again', attachmentId: image.id });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'forbidden', clientId: 'img-again' });

    const history = await api.json<{ messages: WireMessage[] }>('GET', `/api/rooms/${roomId}/messages`, undefined, bob.token);
    expect(history.messages.find((m) => m.seq === 2)?.attachment).toEqual({ ...image, thumbnail: true });
    expect(await env.ROOMS.get(env.ROOMS.idFromName(roomId)).flushed()).toEqual({ unflushed: 0 });
    const pool = openPool(env, { max: 1 });
    try {
      const stored = await messagesAfter(drizzleOver(pool), roomId, 0, 10, 10);
      expect(stored.map((m) => m.type)).toEqual(['text', 'image', 'text']);
      expect(stored[1]!.attachment).toEqual({ ...image, thumbnail: true });
    } finally {
      await pool.end();
    }

    const full = await download(bob, `/api/rooms/${roomId}/attachments/${image.id}`);
    expect(full.status).toBe(200);
    expect(new Uint8Array(await full.arrayBuffer())).toEqual(PNG);
    expect(full.headers.get('content-type')).toBe('image/png');
    expect(full.headers.get('content-disposition')).toMatch(/^inline; filename="cat.png"/);
    expect(full.headers.get('x-content-type-options')).toBe('nosniff');
    expect(full.headers.get('content-security-policy')).toContain('sandbox');
    const small = await download(bob, `/api/rooms/${roomId}/attachments/${image.id}/thumbnail`);
    expect(small.status).toBe(200);
    await small.arrayBuffer();
  });

  it('lets only members upload and download', async () => {
    const { alice, roomId } = await pair();
    const eve = await api.register('eve');
    const refused = await upload(eve, roomId, PDF, 'kind=file&name=x.pdf', { 'content-type': 'application/pdf' });
    expect(refused.status).toBe(403);
    expect((await env.FILES.list({ prefix: `rooms/${roomId}/` })).objects).toHaveLength(0);
    const file = await uploaded(alice, roomId, PDF, 'kind=file&name=report.pdf', 'application/pdf');
    const res = await download(eve, `/api/rooms/${roomId}/attachments/${file.id}`);
    expect(res.status).toBe(403);
    expect((await worker.fetch(`${WORKERS_TEST_ORIGIN}/api/rooms/${roomId}/attachments/${file.id}`)).status).toBe(401);
    // An upload belongs to its room: from another room, the id names nothing.
    const elsewhere = await connectRoom(alice, await api.openDirect(alice, eve));
    elsewhere.send({ type: 'send', clientId: 'moved', attachmentId: file.id });
    expect(await elsewhere.inbox.next('error')).toMatchObject({ code: 'not_found', clientId: 'moved' });
  });

  it('refuses another member’s upload, and an unknown one, on send', async () => {
    const { alice, bob, roomId } = await pair();
    const file = await uploaded(alice, roomId, PDF, 'kind=file&name=a.pdf', 'application/pdf');
    const b = await connectRoom(bob, roomId);
    b.send({ type: 'send', clientId: 'theirs', attachmentId: file.id });
    expect(await b.inbox.next('error')).toMatchObject({ code: 'forbidden', clientId: 'theirs' });
    b.send({ type: 'send', clientId: 'none', attachmentId: crypto.randomUUID() });
    expect(await b.inbox.next('error')).toMatchObject({ code: 'not_found', clientId: 'none' });
    // Two sends naming one upload, back to back: one message, the other refused.
    const a = await connectRoom(alice, roomId);
    const once = await uploaded(alice, roomId, PDF, 'kind=file&name=once.pdf', 'application/pdf');
    a.send({ type: 'send', clientId: 'first', attachmentId: once.id });
    a.send({ type: 'send', clientId: 'second', attachmentId: once.id });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'forbidden', clientId: 'second' });
    expect((await b.inbox.next('message')).message).toMatchObject({ clientId: 'first', attachment: { id: once.id } });
    expect(await b.inbox.none('message')).toHaveLength(0);
    b.send({ type: 'send', clientId: 'empty', content: '   ' });
    expect(await b.inbox.next('error')).toMatchObject({ code: 'bad_frame', clientId: 'empty' });
  });

  it('enforces the size limit from Content-Length before reading, and a body cut short stores nothing', async () => {
    const { alice, roomId } = await pair();
    const tooBig = new FixedLengthStream(MAX_ATTACHMENT_BYTES + 1);
    const res = await upload(alice, roomId, tooBig.readable, 'kind=file&name=big.bin', { 'content-type': 'application/pdf' });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('25 MB');
    // The refused body is left unwritten, not aborted: the Worker never read it, and aborting the
    // stream fails workerd's own pump of it into the request ("uncaught exception … jsg.Error").

    const noLength = new ReadableStream({ start: (c) => (c.enqueue(PDF), c.close()) });
    const chunked = await upload(alice, roomId, noLength, 'kind=file&name=a.pdf', { 'content-type': 'application/pdf' });
    expect(chunked.status).toBe(411);
    expect((await env.FILES.list({ prefix: `rooms/${roomId}/` })).objects).toHaveLength(0);
  });

  it('goes by the bytes, not the declared type: refuses what is not allowed, serves markup as inert text', async () => {
    const { alice, roomId } = await pair();
    const fake = await upload(alice, roomId, HTML, 'kind=image&name=x.png', { 'content-type': 'image/png' });
    expect(fake.status).toBe(415);
    const exe = await upload(alice, roomId, EXE, 'kind=file&name=setup.exe', { 'content-type': 'application/pdf' });
    expect(exe.status).toBe(415);
    const notAudio = await upload(alice, roomId, PDF, 'kind=voice', { 'content-type': 'audio/webm' });
    expect(notAudio.status).toBe(415);

    const page = await uploaded(alice, roomId, HTML, 'kind=file&name=page.html', 'text/html');
    expect(page.contentType).toBe('text/plain');
    // Unsent: only its uploader may download it (issue 19 #3); its name now says what it is.
    const res = await download(alice, `/api/rooms/${roomId}/attachments/${page.id}`);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="page.html.txt"/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    await res.arrayBuffer();

    const voice = await uploaded(alice, roomId, WEBM, 'kind=voice&durationMs=3200', 'audio/webm;codecs=opus');
    expect(voice).toMatchObject({ kind: 'voice', contentType: 'audio/webm', durationMs: 3200, name: 'voice note' });
  });

  it('deletes uploads never sent after a day (an upload re-arms the sweep; a past deadline fires at once)', async () => {
    const { alice, roomId } = await pair();
    const stale = await uploaded(alice, roomId, PDF, 'kind=file&name=forgotten.pdf', 'application/pdf');
    const fresh = await uploaded(alice, roomId, PDF, 'kind=file&name=recent.pdf', 'application/pdf');
    const room = env.ROOMS.get(env.ROOMS.idFromName(roomId));
    await runInDurableObject(room, (_instance, state) => {
      state.storage.sql.exec("update room_attachments set created_at = '2020-01-01T00:00:00.000Z' where id = ?", stale.id);
    });
    await uploaded(alice, roomId, PDF, 'kind=file&name=trigger.pdf', 'application/pdf');
    const names = async () => (await env.FILES.list({ prefix: `rooms/${roomId}/` })).objects.map((o) => o.key);
    await expect.poll(names).not.toContain(`rooms/${roomId}/${stale.id}`);
    expect(await names()).toContain(`rooms/${roomId}/${fresh.id}`);
    const a = await connectRoom(alice, roomId);
    a.send({ type: 'send', clientId: 'late', attachmentId: stale.id });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'not_found', clientId: 'late' });
  });

  it('sanitises file names: no paths, controls, bidi overrides or reserved characters', async () => {
    const { alice, roomId } = await pair();
    const name = encodeURIComponent('../../etc/invoice\u202Efdp.exe\u0007<1>.txt');
    const file = await uploaded(alice, roomId, new TextEncoder().encode('hello'), `kind=file&name=${name}`, 'text/plain');
    expect(file.name).toBe('invoice_fdp.exe__1_.txt');
    const res = await download(alice, `/api/rooms/${roomId}/attachments/${file.id}`);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="invoice_fdp.exe__1_.txt"; filename*=UTF-8''invoice_fdp.exe__1_.txt`,
    );
    await res.arrayBuffer();
  });

  it('lets the sender delete an attachment message: a tombstone without the attachment, the file gone from R2', async () => {
    const { alice, bob, roomId } = await pair();
    const a = await connectRoom(alice, roomId);
    const b = await connectRoom(bob, roomId);
    const file = await uploaded(alice, roomId, PDF, 'kind=file&name=a.pdf', 'application/pdf');
    a.send({ type: 'send', clientId: 'f', attachmentId: file.id });
    const { message } = await b.inbox.next('message');
    b.send({ type: 'delete', seq: message.seq });
    expect(await b.inbox.next('error')).toMatchObject({ code: 'forbidden' });
    a.send({ type: 'edit', seq: message.seq, content: 'new caption' });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'forbidden' });
    expect((await env.FILES.list({ prefix: `rooms/${roomId}/${file.id}` })).objects).toHaveLength(1);
    a.send({ type: 'delete', seq: message.seq });
    const updated = await b.inbox.next('updated');
    expect(updated.message.deletedAt).not.toBeNull();
    expect(updated.message.attachment).toBeUndefined();
    // Its bytes go too: members can no longer download them.
    await expect.poll(async () => (await download(bob, `/api/rooms/${roomId}/attachments/${file.id}`)).status).toBe(404);
  });
});

describe('profiles', () => {
  it('changes display name and avatar; the other member sees both; the picture is served as an inert image', async () => {
    const { alice, bob, roomId } = await pair();
    const b = await connectRoom(bob, roomId);
    const named = await api.json('PATCH', '/api/me', { displayName: 'Alice Liddell' }, alice.token);
    expect(named.user.displayName).toBe('Alice Liddell');
    const members = await b.inbox.next('members');
    expect(members.members.find((m) => m.userId === alice.id)?.displayName).toBe('Alice Liddell');

    const put = (body: Uint8Array, type: string) =>
      worker.fetch(`${WORKERS_TEST_ORIGIN}/api/me/avatar`, {
        method: 'PUT',
        headers: { origin: WORKERS_TEST_ORIGIN, authorization: `Bearer ${alice.token}`, 'content-type': type },
        body,
      });
    expect((await put(HTML, 'image/png')).status).toBe(415);
    const res = await put(PNG, 'image/png');
    expect(res.status).toBe(200);
    const { user } = (await res.json()) as { user: { avatarId: string } };
    expect(user.avatarId).toMatch(/^[0-9a-f-]{36}$/);
    const next = await b.inbox.next('members', (f) => f.members.some((m) => m.avatarId === user.avatarId));
    expect(next.members.find((m) => m.userId === alice.id)?.avatarId).toBe(user.avatarId);
    const rooms = await api.json('GET', '/api/rooms', undefined, bob.token);
    const listed = rooms.rooms.find((r: { id: string }) => r.id === roomId);
    expect(listed.members.find((m: { userId: string }) => m.userId === alice.id).avatarId).toBe(user.avatarId);

    const picture = await worker.fetch(`${WORKERS_TEST_ORIGIN}/api/avatars/${user.avatarId}`);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/png');
    expect(picture.headers.get('x-content-type-options')).toBe('nosniff');
    await picture.arrayBuffer();

    // A new picture replaces the old one, which is gone from R2.
    const again = (await (await put(PNG, 'image/png')).json()) as { user: { avatarId: string } };
    expect(again.user.avatarId).not.toBe(user.avatarId);
    expect((await worker.fetch(`${WORKERS_TEST_ORIGIN}/api/avatars/${user.avatarId}`)).status).toBe(404);
    const removed = await api.json('DELETE', '/api/me/avatar', undefined, alice.token);
    expect(removed.user.avatarId).toBeNull();
    expect((await api.request('PATCH', '/api/me', { displayName: '  ' }, alice.token)).status).toBe(400);
  });
});
