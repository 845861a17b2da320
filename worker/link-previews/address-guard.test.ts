import { describe, expect, it } from 'vitest';
import { refusalFor } from './address-guard';

const refused = (url: string, allowed: string[] = []) => refusalFor(new URL(url), allowed) !== undefined;

describe('link preview address guard', () => {
  it('lets public http(s) URLs through', () => {
    for (const url of ['https://example.com/a', 'http://news.example.org:80/x?y', 'https://93.184.216.34/', 'https://[2606:4700::1111]/']) {
      expect(refused(url), url).toBe(false);
    }
  });

  it('refuses other schemes, credentials and odd ports', () => {
    for (const url of ['ftp://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'https://u:p@example.com/', 'http://example.com:22/']) {
      expect(refused(url), url).toBe(true);
    }
  });

  it('refuses loopback, private, link-local, CGNAT and multicast IPv4 in every spelling the URL parser accepts', () => {
    const hosts = ['127.0.0.1', '127.1', '2130706433', '0x7f000001', '0177.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1',
      '169.254.169.254', '100.64.0.1', '100.127.255.255', '224.0.0.1', '255.255.255.255', '0.0.0.0', '0'];
    for (const host of hosts) expect(refused(`http://${host}/`), host).toBe(true);
    expect(refused('http://172.32.0.1/')).toBe(false);
    expect(refused('http://100.128.0.1/')).toBe(false);
  });

  it('refuses loopback, unique-local, link-local, multicast and IPv4-mapped IPv6', () => {
    const hosts = ['::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:8.8.8.8', '::127.0.0.1',
      '64:ff9b::a00:1', '2002:7f00:1::', '2001:db8::1', '0:0:0:0:0:0:0:1'];
    for (const host of hosts) expect(refused(`http://[${host}]/`), host).toBe(true);
  });

  it('refuses local-only names', () => {
    for (const host of ['localhost', 'LOCALHOST.', 'api.localhost', 'printer.local', 'intranet', 'db.internal', 'router.home.arpa', 'box.lan']) {
      expect(refused(`http://${host}/`), host).toBe(true);
    }
  });

  it('lets an allow-listed host:port through, and only that port', () => {
    expect(refused('http://127.0.0.1:4010/og', ['127.0.0.1:4010'])).toBe(false);
    expect(refused('http://127.0.0.1:4011/og', ['127.0.0.1:4010'])).toBe(true);
    expect(refused('http://127.0.0.1/og', ['127.0.0.1:4010'])).toBe(true);
    expect(refused('http://localhost:4010/og', ['127.0.0.1:4010'])).toBe(true);
  });
});
