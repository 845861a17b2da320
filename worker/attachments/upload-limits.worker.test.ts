/**
 * Storage exhaustion (issue 20 #3): uploads per user are rate limited (429) and bytes per
 * user and per room have a rolling daily allowance (413 quota_exceeded), checked before
 * a byte is stored. This project runs with small allowances (vitest.config.ts: 100 kB per
 * user, 150 kB per room) so small files reach them; production defaults are in README.md.
 */
import { describe, expect, it } from 'vitest';
import { WORKERS_TEST_ORIGIN } from '../../scripts/lib/test-settings';
import type { TestUser } from '../../tests/support/api';
import { api, worker } from '../../tests/support/workerd-client';

const pdf = (bytes: number) => {
  const body = new Uint8Array(bytes).fill(0x20);
  body.set(new TextEncoder().encode('%PDF-1.7\n'));
  return body;
};

async function upload(user: TestUser, roomId: string, body: Uint8Array, kind = 'file') {
  const res = await worker.fetch(`${WORKERS_TEST_ORIGIN}/api/rooms/${roomId}/attachments?kind=${kind}&name=f.pdf`, {
    method: 'POST',
    headers: { origin: WORKERS_TEST_ORIGIN, authorization: `Bearer ${user.token}`, 'content-type': 'application/pdf' },
    body,
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
}

describe('upload limits', () => {
  it('refuses bytes past the user\'s daily allowance, in any room, with a clear 413; refused uploads count nothing', async () => {
    const [alice, bob, carol] = [await api.register('alice'), await api.register('bob'), await api.register('carol')];
    const withBob = await api.openDirect(alice, bob);
    const withCarol = await api.openDirect(alice, carol);
    // Not a picture: refused (415) before storing, and its bytes are given back.
    expect((await upload(alice, withBob, pdf(90_000), 'image')).status).toBe(415);
    expect((await upload(alice, withBob, pdf(60_000))).status).toBe(201);
    const over = await upload(alice, withCarol, pdf(50_000));
    expect(over.status).toBe(413);
    expect(over.body.error).toMatchObject({ code: 'quota_exceeded', message: expect.stringMatching(/you have uploaded .* 24 hours/) });
    // What still fits is accepted.
    expect((await upload(alice, withCarol, pdf(30_000))).status).toBe(201);
    // Others are not affected.
    expect((await upload(carol, withCarol, pdf(50_000))).status).toBe(201);
  });

  it('refuses bytes past the room\'s daily allowance whoever sends them', async () => {
    const [alice, bob] = [await api.register('alice'), await api.register('bob')];
    const roomId = await api.openDirect(alice, bob);
    expect((await upload(alice, roomId, pdf(80_000))).status).toBe(201);
    expect((await upload(bob, roomId, pdf(60_000))).status).toBe(201);
    const over = await upload(bob, roomId, pdf(20_000));
    expect(over.status).toBe(413);
    expect(over.body.error?.message).toMatch(/this chat has received/);
    // The user's own allowance was given back: bob's 20 kB fit in another room.
    const carol = await api.register('carol');
    expect((await upload(bob, await api.openDirect(bob, carol), pdf(20_000))).status).toBe(201);
  });

  it('answers 429 past the burst of uploads', async () => {
    const [alice, bob] = [await api.register('alice'), await api.register('bob')];
    const roomId = await api.openDirect(alice, bob);
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await upload(alice, roomId, pdf(100))).status);
    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });
});
