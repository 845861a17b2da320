/** An invite link opened by someone already in the group says so and opens the group (no "Join group"). */
import { describe, expect, it } from 'vitest';
import { apiAs, browserPerFile, closeAll, connected, signedIn } from '../support/browser';

const env = browserPerFile();

describe('invite page for a member', () => {
  it('tells an existing member they are already in the group, with Open group', async () => {
    const ada = await signedIn(env.browser, 'ada', 'Ada');
    const { room } = await apiAs(ada).post<{ room: { id: string } }>('/api/groups', { name: 'Choir', members: [] });
    const { invite } = await apiAs(ada).post<{ invite: { token: string } }>(`/api/groups/${room.id}/invites`, {});
    await ada.page.goto(`${env.baseUrl}/join/${invite.token}`);
    await ada.page.getByTestId('join-group-name').waitFor({ timeout: 20_000 });
    expect(await ada.page.getByTestId('join-lead').textContent()).toBe("You're already a member of");
    expect(await ada.page.getByTestId('join-button').count()).toBe(0);
    await ada.page.getByTestId('open-group').click();
    await ada.page.waitForURL(new RegExp(`/chat/${room.id}$`));
    await connected(ada.page);
    await closeAll(ada);
  });
});
