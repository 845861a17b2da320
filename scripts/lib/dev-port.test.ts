import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { assertDevPortFree, DEFAULT_DEV_PORT, devPort } from './dev-port';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A real listener on a kernel-chosen port. */
async function listen(host: string): Promise<number> {
  const server = net.createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as net.AddressInfo).port;
}

describe('devPort', () => {
  it('defaults to 8787 and reads PORT', () => {
    expect(devPort({})).toBe(DEFAULT_DEV_PORT);
    expect(devPort({ PORT: ' 9000 ' })).toBe(9000);
  });

  it('refuses a PORT that is not a port, naming the knob', () => {
    for (const PORT of ['abc', '0', '70000', '80.5', '-1']) expect(() => devPort({ PORT })).toThrow(/^PORT=.* is not a TCP port/);
  });
});

describe('assertDevPortFree', () => {
  it('names the port and PORT when something listens there', async () => {
    const port = await listen('127.0.0.1');
    await expect(assertDevPortFree(port)).rejects.toThrow(`port ${port} is in use — set PORT=… to use another`);
  });

  it('also when the listener is on every interface', async () => {
    const port = await listen('0.0.0.0');
    await expect(assertDevPortFree(port)).rejects.toThrow(`port ${port} is in use`);
  });

  it('passes on a free port', async () => {
    const port = await listen('127.0.0.1');
    await new Promise((resolve) => servers.pop()!.close(resolve));
    await expect(assertDevPortFree(port)).resolves.toBeUndefined();
  });
});
