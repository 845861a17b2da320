/**
 * GET /api/embed/:roomId, signed out: the group's name for the embed's sign-in, only where its
 * admins chose to show the group (an embedding site, or the frame's live invite link).
 */
import { describe, expect, it } from 'vitest';
import { e2eApi } from '../support/e2e';

const api = e2eApi();
const embedded = (roomId: string, query = '') => api.json<{ room: { id: string; name: string } | null }>('GET', `/api/embed/${roomId}${query}`);

describe('the embed names its group to signed-out visitors', () => {
  it('with an embedding site or the invite link, and to nobody else', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const quiet = await api.createGroup(ann, 'Quiet corner', []);
    const shown = await api.createGroup(ann, 'Open house', []);
    const other = await api.createGroup(ben, 'Elsewhere', []);

    // No site and no link: nothing, the same answer as an id that names no room; a direct chat never.
    expect(await embedded(quiet)).toEqual({ room: null });
    expect(await embedded(crypto.randomUUID())).toEqual({ room: null });
    expect(await embedded(await api.openDirect(ann, ben))).toEqual({ room: null });

    await api.json('PUT', `/api/groups/${shown}/embed-origins`, { origins: ['https://site.example'] }, ann.token);
    expect(await embedded(shown)).toEqual({ room: { id: shown, name: 'Open house' } });

    const { invite } = await api.json<{ invite: { token: string; id: string } }>('POST', `/api/groups/${quiet}/invites`, {}, ann.token);
    expect(await embedded(quiet, `?invite=${invite.token}`)).toEqual({ room: { id: quiet, name: 'Quiet corner' } });
    // A link to one group does not name another.
    expect(await embedded(other, `?invite=${invite.token}`)).toEqual({ room: null });
    // A revoked link names nothing; a malformed one is a 400.
    await api.json('DELETE', `/api/groups/${quiet}/invites/${invite.id}`, undefined, ann.token, [204]);
    expect(await embedded(quiet, `?invite=${invite.token}`)).toEqual({ room: null });
    expect((await api.request('GET', `/api/embed/${quiet}?invite=nope`)).status).toBe(400);
  });
});
