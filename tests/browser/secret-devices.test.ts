/**
 * The account page lists my secret-chat devices — this browser marked, the others removable —
 * and removing a lost one takes it out of the key directory, so nothing new is sealed for it.
 */
import { describe, expect, it } from 'vitest';
import { apiAs, browserPerFile, closeAll, signedIn } from '../support/browser';
import { e2eApi } from '../support/e2e';
import { newDevice } from '../support/secret-devices';

const env = browserPerFile();

describe('secret chat devices', () => {
  it('lists this browser and another device, and removes the other after a confirmation', async () => {
    const [kai, lou] = await Promise.all([signedIn(env.browser, 'kai', 'Kai'), signedIn(env.browser, 'lou', 'Lou')]);
    // This browser gets its keys when it starts a secret chat.
    await kai.page.getByTestId('new-secret-chat-button').click();
    await kai.page.getByTestId('secret-user-search').fill(lou.username);
    await kai.page.locator(`[data-testid=user-result][data-username="${lou.username}"]`).click();
    await kai.page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    await expect.poll(async () => (await apiAs(kai).get<{ devices: unknown[] }>(`/api/e2e/users/${kai.id}/devices`)).devices.length, { timeout: 20_000 }).toBe(1);
    // A phone that later went missing.
    const phone = await newDevice(e2eApi(), { id: kai.id, username: kai.username, password: kai.password, token: kai.token, cookie: '' });

    await kai.page.goto(`${env.baseUrl}/chat/account`);
    const devices = kai.page.getByTestId('secret-device');
    await expect.poll(() => devices.count(), { timeout: 20_000 }).toBe(2);
    const here = kai.page.locator('[data-testid=secret-device][data-this-device]');
    expect(await here.textContent()).toContain('This browser');
    expect(await here.getByTestId('secret-device-remove').count()).toBe(0);

    await kai.page.getByTestId('secret-device-remove').click();
    await kai.page.getByTestId('secret-device-remove-confirm').click();
    await expect.poll(() => devices.count(), { timeout: 15_000 }).toBe(1);
    const left = (await apiAs(kai).get<{ devices: { deviceId: string }[] }>(`/api/e2e/users/${kai.id}/devices`)).devices.map((d) => d.deviceId);
    expect(left).not.toContain(phone.state.deviceId);
    expect(left).toHaveLength(1);
    await closeAll(kai, lou);
  });
});
