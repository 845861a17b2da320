/**
 * A group's picture and description refused for what they are, inside workerd against
 * PostgreSQL: not a still picture (415), past MAX_AVATAR_BYTES (413, from the declared length),
 * a description past its limit or beside a name (400), a direct chat (400); all JSON, nothing
 * stored. The REST rules and lines end to end are in tests/e2e/group-profile.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { MAX_AVATAR_BYTES, MAX_GROUP_DESCRIPTION_CHARS } from '../../durable-objects/protocol';
import { WORKERS_TEST_ORIGIN } from '../../scripts/lib/test-settings';
import type { TestUser } from '../../tests/support/api';
import { api, worker } from '../../tests/support/workerd-client';
import { PNG } from '../../tests/support/workerd-uploads';

const HTML = new TextEncoder().encode('<!doctype html><script>alert(1)</script>');
const GIF = new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00\x00;');

async function putPicture(user: TestUser, roomId: string, body: Uint8Array, type = 'image/png') {
  const res = await worker.fetch(`${WORKERS_TEST_ORIGIN}/api/groups/${roomId}/avatar`, {
    method: 'PUT',
    headers: { origin: WORKERS_TEST_ORIGIN, authorization: `Bearer ${user.token}`, 'content-type': type },
    body,
  });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: res.status, error: ((await res.json()) as { error?: { code: string } }).error };
}

describe('group profile refusals', () => {
  it('refuses what is not a still picture, too large, or too long, with 4xx JSON, and stores nothing', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.createGroup(ann, 'Strict', [ben]);
    expect(await putPicture(ann, roomId, HTML)).toMatchObject({ status: 415, error: { code: 'unsupported_type' } });
    expect(await putPicture(ann, roomId, GIF, 'image/gif')).toMatchObject({ status: 415 });
    const big = new Uint8Array(MAX_AVATAR_BYTES + 1);
    big.set(PNG);
    expect(await putPicture(ann, roomId, big)).toMatchObject({ status: 413, error: { code: 'too_large' } });
    // A member is refused before the body is looked at.
    expect(await putPicture(ben, roomId, PNG)).toMatchObject({ status: 403 });

    const patch = (body: unknown) => api.request('PATCH', `/api/groups/${roomId}`, body, ann.token);
    expect((await patch({ description: 'x'.repeat(MAX_GROUP_DESCRIPTION_CHARS + 1) })).status).toBe(400);
    // Exactly the limit is fine (after trimming).
    expect((await patch({ description: ` ${'x'.repeat(MAX_GROUP_DESCRIPTION_CHARS)} ` })).status).toBe(200);
    // One change a request: a name and a description together are refused.
    expect((await patch({ name: 'N', description: 'd' })).status).toBe(400);
    // A direct chat has no group profile.
    const direct = await api.openDirect(ann, ben);
    expect(await putPicture(ann, direct, PNG)).toMatchObject({ status: 400 });

    const { rooms } = await api.json('GET', '/api/rooms', undefined, ben.token);
    expect(rooms.find((r: { id: string }) => r.id === roomId)).toMatchObject({ name: 'Strict', avatarId: null, description: 'x'.repeat(MAX_GROUP_DESCRIPTION_CHARS) });
  });
});
