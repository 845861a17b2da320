/** Invite links and embed origins: admins manage them, anyone signed in with a live link joins. */
import { describe, expect, it } from 'vitest';
import { api, connectInbox, connectRoom } from '../../tests/support/workerd-client';

async function groupWithAdmin() {
  const [ann, ben] = [await api.register('ann'), await api.register('ben')];
  const roomId = await api.createGroup(ann, 'Open house', []);
  return { ann, ben, roomId };
}

describe('invites', () => {
  it('lets a signed-in user join through a live link, once, and tells the room', async () => {
    const { ann, ben, roomId } = await groupWithAdmin();
    const annRoom = await connectRoom(ann, roomId);
    const created = await api.json('POST', `/api/groups/${roomId}/invites`, {}, ann.token);
    expect(created.invite.url).toMatch(new RegExp(`/join/${created.invite.token}$`));
    const preview = await api.json('GET', `/api/invites/${created.invite.token}`, undefined, ben.token);
    expect(preview.room).toEqual({ id: roomId, name: 'Open house', members: 1 });
    expect(preview.member).toBe(false);
    expect((await api.json('GET', `/api/invites/${created.invite.token}`, undefined, ann.token)).member).toBe(true);

    const benInbox = await connectInbox(ben);
    const accepted = await api.json('POST', `/api/invites/${created.invite.token}/accept`, undefined, ben.token);
    expect(accepted).toEqual({ room: { id: roomId, name: 'Open house' }, joined: true });
    expect(await benInbox.inbox.next('rooms_changed')).toMatchObject({ roomId, change: 'added' });
    const notice = await annRoom.inbox.next('message', (f) => f.message.type === 'system');
    expect(notice.message.content).toBe(`<@${ben.id}|${ben.username}> joined with an invite link`);
    const again = await api.json('POST', `/api/invites/${created.invite.token}/accept`, undefined, ben.token);
    expect(again.joined).toBe(false);
    const [listed] = (await api.json('GET', `/api/groups/${roomId}/invites`, undefined, ann.token)).invites;
    expect(listed).toMatchObject({ id: created.invite.id, uses: 1, revokedAt: null });
    expect(listed.token).toBeUndefined();
  });

  it('refuses revoked or malformed links, anonymous joins, and non-admins managing links', async () => {
    const { ann, ben, roomId } = await groupWithAdmin();
    const { invite } = await api.json('POST', `/api/groups/${roomId}/invites`, { expiresInHours: 1 }, ann.token);
    expect((await api.request('POST', `/api/groups/${roomId}/invites`, {}, ben.token)).status).toBe(403);
    expect((await api.request('DELETE', `/api/groups/${roomId}/invites/${invite.id}`, undefined, ben.token)).status).toBe(403);
    expect((await api.request('DELETE', `/api/groups/${roomId}/invites/${invite.id}`, undefined, ann.token)).status).toBe(204);
    const refused = await api.request('POST', `/api/invites/${invite.token}/accept`, undefined, ben.token);
    expect(refused.status).toBe(404);
    expect((await api.request('GET', `/api/invites/not-a-token`, undefined, ben.token)).status).toBe(400);
    expect((await api.request('POST', `/api/invites/${invite.token}/accept`)).status).toBe(401);
  });

  it('keeps a list of embedding origins that admins set and validates them', async () => {
    const { ann, ben, roomId } = await groupWithAdmin();
    const set = await api.json('PUT', `/api/groups/${roomId}/embed-origins`, { origins: ['https://b.example', 'https://a.example:8443'] }, ann.token);
    expect(set.origins).toEqual(['https://a.example:8443', 'https://b.example']);
    const bad = await api.request('PUT', `/api/groups/${roomId}/embed-origins`, { origins: ['https://a.example/path'] }, ann.token);
    expect(bad.status).toBe(400);
    const sneaky = await api.request('PUT', `/api/groups/${roomId}/embed-origins`, { origins: ["https://x.example; script-src *"] }, ann.token);
    expect(sneaky.status).toBe(400);
    expect((await api.request('PUT', `/api/groups/${roomId}/embed-origins`, { origins: [] }, ben.token)).status).toBe(403);
    expect((await api.json('GET', `/api/groups/${roomId}/embed-origins`, undefined, ann.token)).origins).toHaveLength(2);
  });
});
