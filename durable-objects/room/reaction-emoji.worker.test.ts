/**
 * Reactions as a text channel (issue 20 #9): a `react` whose "emoji" is markup or a
 * mention is refused by the shared protocol schema, in the room, and nothing is stored.
 */
import { describe, expect, it } from 'vitest';
import { api, connectRoom } from '../../tests/support/workerd-client';

describe('reactions are emoji only', () => {
  it('refuses markup, mentions and words; accepts an emoji sequence', async () => {
    const [alice, bob] = [await api.register('alice'), await api.register('bob')];
    const roomId = await api.openDirect(alice, bob);
    const a = await connectRoom(alice, roomId);
    const b = await connectRoom(bob, roomId);
    a.send({ type: 'send', clientId: 'm', content: 'react to me' });
    const { message } = await b.inbox.next('message');
    for (const emoji of ['<img src=x>', `@${alice.username}`, 'lol', '👍👍']) {
      b.send({ type: 'react', seq: message.seq, emoji, on: true });
      expect(await b.inbox.next('error')).toMatchObject({ code: 'bad_frame', message: expect.stringContaining('single emoji') });
    }
    b.send({ type: 'react', seq: message.seq, emoji: '👩🏽‍💻', on: true });
    const updated = await a.inbox.next('updated');
    expect(updated.message.reactions).toEqual([{ emoji: '👩🏽‍💻', userIds: [bob.id] }]);
  });
});
