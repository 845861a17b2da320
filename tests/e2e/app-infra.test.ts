/** The e2e harness itself: the app answers, and restartApp() brings it back on the same URL. */
import { describe, expect, it } from 'vitest';
import { appInfo, restartApp } from '../support/app';

describe('e2e harness', () => {
  it('serves /api/health and survives a restart on the same baseUrl', async () => {
    const { baseUrl } = appInfo();
    expect((await fetch(`${baseUrl}/api/health`)).status).toBe(200);
    await restartApp();
    const res = await fetch(`${baseUrl}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
