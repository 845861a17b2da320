/**
 * A tiny HTTP endpoint on 127.0.0.1 through which tests (running in vitest
 * workers) ask the process that owns the app to restart it: POST /restart.
 */
import http from 'node:http';
import type net from 'node:net';
import type { AppServer } from './app-server';

export interface AppControl {
  url: string;
  close(): Promise<void>;
}

export async function serveAppControl(app: AppServer): Promise<AppControl> {
  let queue: Promise<unknown> = Promise.resolve(); // one restart at a time
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/restart') {
      res.writeHead(404).end('POST /restart is the only endpoint\n');
      return;
    }
    const restart = queue.then(() => app.restart());
    queue = restart.catch(() => {});
    restart.then(
      () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message),
    );
  });
  // Restarts take seconds; don't let Node's defaults cut the request off.
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
