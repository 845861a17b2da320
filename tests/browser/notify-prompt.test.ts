/**
 * The offer to turn on desktop notifications comes after my first message, also when that
 * message starts a conversation the list did not have yet, and it sits over the conversation,
 * not over the conversation list.
 */
import { describe, expect, it } from 'vitest';
import { browserPerFile, closeAll, connected, openDirectInUi, send, shot, signedIn } from '../support/browser';

const env = browserPerFile();

describe('notification prompt', () => {
  it('appears after my first message to a new conversation, beside the list', async () => {
    const ann = await signedIn(env.browser, 'ann', 'Ann');
    const bob = await signedIn(env.browser, 'bob', 'Bob');
    await ann.page.getByTestId('new-chat-button').waitFor({ timeout: 20_000 });
    await openDirectInUi(ann, bob);
    await connected(ann.page);
    await send(ann.page, 'hi Bob, first message here');
    const prompt = ann.page.getByTestId('notify-prompt');
    await prompt.waitFor({ timeout: 15_000 });
    await shot(ann.page, 'notify-prompt-new-chat');
    const [box, list] = await Promise.all([prompt.boundingBox(), ann.page.locator('.sidebar').boundingBox()]);
    expect(box!.x).toBeGreaterThanOrEqual(list!.x + list!.width);
    expect(box!.x + box!.width).toBeLessThanOrEqual(1280);
    await closeAll(ann, bob);
  });
});
