/** The embed's sign-in says which group it is for (issue 21: it did not). */
import { describe, expect, it } from 'vitest';
import { apiAs, browserPerFile, closeAll, signedIn } from '../support/browser';

const env = browserPerFile();

describe('embed sign-in', () => {
  it('names the group: through the invite link, or when the group is embedded on a site', async () => {
    const cal = await signedIn(env.browser, 'cal', 'Cal');
    const { room } = await apiAs(cal).post<{ room: { id: string } }>('/api/groups', { name: 'Book club <b>', members: [] });
    const { invite } = await apiAs(cal).post<{ invite: { token: string } }>(`/api/groups/${room.id}/invites`, {});
    const ctx = await env.browser.newContext({ viewport: { width: 390, height: 700 } });
    const page = await ctx.newPage();

    await page.goto(`${env.baseUrl}/embed/${room.id}?invite=${invite.token}`);
    await page.getByTestId('embed-signin').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByTestId('embed-group').textContent()).toBe("You're invited to Book club <b>.");

    // Without the link, only once an admin lists a site for it.
    await page.goto(`${env.baseUrl}/embed/${room.id}`);
    await page.getByTestId('embed-signin').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('embed-group').textContent()).toBe('Sign in to join this conversation.');
    await apiAs(cal).put(`/api/groups/${room.id}/embed-origins`, { origins: ['https://site.example'] });
    await page.reload();
    await expect.poll(() => page.getByTestId('embed-group').textContent(), { timeout: 20_000 }).toBe('Sign in to join Book club <b>.');
    await ctx.close();
    await closeAll(cal);
  });
});
