import { describe, expect, it } from 'vitest';
import { pushEndpointProblem } from './endpoint-policy';

describe('pushEndpointProblem', () => {
  it('accepts the push services browsers use', () => {
    for (const endpoint of [
      'https://fcm.googleapis.com/fcm/send/abc:APA91b',
      'https://updates.push.services.mozilla.com/wpush/v2/gAAAAA',
      'https://web.push.apple.com/QGx',
      'https://wns2-par02p.notify.windows.com/w/?token=BQYAAA',
    ]) {
      expect(pushEndpointProblem(endpoint, []), endpoint).toBeNull();
    }
  });

  it('refuses what would reach inside a network or is not https on the default port', () => {
    const refused: [string, RegExp][] = [
      ['http://fcm.googleapis.com/x', /https/],
      ['https://127.0.0.1/x', /IP address/],
      ['https://2130706433/x', /IP address/], // 127.0.0.1 as one number, normalised by URL
      ['https://0x7f.1/x', /IP address/],
      ['https://[::1]/x', /IP address/],
      ['https://[::ffff:10.0.0.1]/x', /IP address/],
      ['https://localhost/x', /public host/],
      ['https://push.localhost/x', /public host/],
      ['https://db.internal/x', /public host/],
      ['https://printer.local/x', /public host/],
      ['https://intranet/x', /public host/],
      ['https://fcm.googleapis.com:8443/x', /default https port/],
      ['https://u:p@fcm.googleapis.com/x', /credentials/],
      ['file:///etc/passwd', /https/],
      ['not a url', /not a URL/],
      [`https://fcm.googleapis.com/${'a'.repeat(1100)}`, /longer/],
    ];
    for (const [endpoint, why] of refused) expect(pushEndpointProblem(endpoint, []), endpoint).toMatch(why);
  });

  it('lets only the listed test origins use http or loopback', () => {
    const origins = ['http://127.0.0.1:9999'];
    expect(pushEndpointProblem('http://127.0.0.1:9999/push/a', origins)).toBeNull();
    expect(pushEndpointProblem('http://127.0.0.1:9998/push/a', origins)).toMatch(/https/);
    expect(pushEndpointProblem('http://127.0.0.1:9999/push/a', [])).toMatch(/https/);
  });
});
