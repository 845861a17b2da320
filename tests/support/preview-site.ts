/**
 * A local web site for link-preview tests, on one of the ports the app's
 * LINK_PREVIEW_ALLOW_HOSTS allows (global setup): Open Graph pages and the hostile
 * cases a preview fetcher meets (redirects to loopback and private addresses, a huge
 * body, a body that stalls, non-HTML, a fake image). It records which paths were
 * requested and how many bytes each response managed to write before the client left.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A 1×1 PNG. */
export const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

export interface PreviewSite {
  origin: string;
  /** Paths requested, in order. */
  requests: string[];
  /** Requests that reached the trap: a local server on a port the app may not fetch. Must stay empty. */
  trapRequests: string[];
  /** The trap's origin (http://127.0.0.1:<other port>). */
  trapOrigin: string;
  /** Bytes of the huge body written before the fetcher hung up, once it did. */
  hugeWritten: Promise<number>;
  close(): Promise<void>;
}

const HUGE_BYTES = 50 * 1024 * 1024;

function page(head: string, body = '<p>hello</p>'): string {
  return `<!doctype html><html><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`;
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startPreviewSite(port: number): Promise<PreviewSite> {
  const requests: string[] = [];
  const trapRequests: string[] = [];
  const trap = http.createServer((req, res) => {
    trapRequests.push(req.url ?? '/');
    res.writeHead(200, { 'content-type': 'text/html' }).end('<title>internal admin</title><meta property="og:image" content="/x.png">');
  });
  const trapPort = await listen(trap, 0);
  const sockets = new Set<import('node:net').Socket>();
  let reportHuge!: (n: number) => void;
  const hugeWritten = new Promise<number>((resolve) => (reportHuge = resolve));
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    const html = (body: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    switch (path.split('?')[0]) {
      case '/article':
        return html(
          page(`<title>Plain title</title>
            <meta property="og:title" content="Rock &amp; Roll &lt;b&gt;history&lt;/b&gt;">
            <meta property="og:description" content="&lt;img src=x onerror=alert(1)&gt; All about guitars.">
            <meta property="og:site_name" content="Music Site">
            <meta property="og:image" content="/pic.png">`),
        );
      case '/plain':
        return html(page('<title>Only a title</title><meta name="description" content="Described plainly">'));
      case '/pic.png':
        return res.writeHead(200, { 'content-type': 'image/png' }).end(PNG_1PX);
      case '/bad-image':
        return html(page('<meta property="og:title" content="Bad picture"><meta property="og:image" content="/not-an-image.png">'));
      case '/not-an-image.png':
        // Says PNG, is HTML: the bytes decide.
        return res.writeHead(200, { 'content-type': 'image/png' }).end('<html><script>alert(1)</script></html>');
      case '/image-to-loopback':
        return html(page(`<meta property="og:title" content="Sneaky picture"><meta property="og:image" content="http://127.0.0.1:${trapPort}/x.png">`));
      case '/redirect-ok':
        return res.writeHead(302, { location: '/plain' }).end();
      case '/redirect-loopback':
        // Another port of the same loopback address: only the allowed port is allowed.
        return res.writeHead(302, { location: `http://127.0.0.1:${trapPort}/admin` }).end();
      case '/redirect-localhost':
        return res.writeHead(301, { location: 'http://localhost/admin' }).end();
      case '/redirect-private':
        return res.writeHead(307, { location: 'http://10.0.0.1/admin' }).end();
      case '/redirect-metadata':
        return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      case '/redirect-mapped':
        return res.writeHead(302, { location: 'http://[::ffff:127.0.0.1]/' }).end();
      case '/redirect-loop':
        return res.writeHead(302, { location: '/redirect-loop' }).end();
      case '/json':
        return res.writeHead(200, { 'content-type': 'application/json' }).end('{"title":"not a page"}');
      case '/huge': {
        // The title is in the first bytes; then 50 MB of padding the fetcher must not download.
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write(`<!doctype html><html><head><title>Huge page</title></head><body>`);
        const chunk = Buffer.alloc(64 * 1024, 'a');
        let written = 0;
        const pump = () => {
          while (written < HUGE_BYTES) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end('</body></html>');
          reportHuge(written);
        };
        res.on('close', () => reportHuge(written));
        return pump();
      }
      case '/stall':
        // Headers and the start of the head, then nothing, ever.
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write('<!doctype html><html><head><title>Stall');
        return;
      case '/slow-headers':
        return; // never answers at all
      default:
        return res.writeHead(404, { 'content-type': 'text/plain' }).end('no such page');
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await listen(server, port);
  return {
    origin: `http://127.0.0.1:${port}`,
    trapOrigin: `http://127.0.0.1:${trapPort}`,
    requests,
    trapRequests,
    hugeWritten,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        trap.close();
        server.close(() => resolve());
      }),
  };
}
