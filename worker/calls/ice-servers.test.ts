import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { iceServersFor, turnCredential } from './ice-servers';

describe('TURN REST API credentials', () => {
  it('match what coturn computes from the shared secret', async () => {
    const { username, credential } = await turnCredential('s3cret', 'user-1', 1_800_000_000);
    expect(username).toBe('1800000000:user-1');
    expect(credential).toBe(createHmac('sha1', 's3cret').update(username).digest('base64'));
  });

  it('lists STUN, and TURN only when a secret is configured', async () => {
    const config = { stunUrls: ['stun:127.0.0.1:3478'], turnUrls: ['turn:127.0.0.1:3478'], turnTtlSeconds: 600 };
    expect(await iceServersFor(config, 'u', 0)).toEqual([{ urls: ['stun:127.0.0.1:3478'] }]);
    const withTurn = await iceServersFor({ ...config, turnSecret: 'k' }, 'u', 1_000_000);
    expect(withTurn[1]).toMatchObject({ urls: ['turn:127.0.0.1:3478'], username: '1600:u' });
  });
});
