/**
 * A local push service for end-to-end tests: what FCM or Mozilla's autopush do with a
 * push request, on http://127.0.0.1:PORT (the origin the app under test allows in
 * PUSH_TEST_ENDPOINT_ORIGINS). Each device is a browser's subscription with its own
 * keys (P-256 and a 16-byte auth secret). A request is accepted only if it carries a
 * valid RFC 8292 VAPID JWT (ES256, `aud` = this origin, `exp` within 24 h) signed by the
 * app's key, and an RFC 8291 aes128gcm body; the body is then decrypted with the device's
 * private key exactly as the browser would (`http_ece`). Anything wrong is a 400 and is
 * kept in `problems`, which tests assert empty.
 */
import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decrypt } from 'http_ece';
import { base64url, importJWK, jwtVerify } from 'jose';

export interface TestDevice {
  id: string;
  endpoint: string;
  /** As PushSubscription.toJSON() gives it. */
  keys: { p256dh: string; auth: string };
  ecdh: ECDH;
}

export interface ReceivedPush {
  deviceId: string;
  ttl: number;
  urgency: string | undefined;
  topic: string | undefined;
  bodyBytes: number;
  payload: Record<string, unknown>;
}

type Waiter = { match: (p: ReceivedPush) => boolean; resolve: (p: ReceivedPush) => void };

export class LocalPushService {
  readonly received: ReceivedPush[] = [];
  readonly problems: string[] = [];
  private readonly devices = new Map<string, TestDevice>();
  /** Per device, the status to answer instead of 201 (e.g. 410: the subscription expired), or 'hang': never answer. */
  private readonly answers = new Map<string, number | 'hang'>();
  private waiters: Waiter[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly origin: string,
    private readonly vapidPublicKey: string,
  ) {}

  static async start(port: number, vapidPublicKey: string): Promise<LocalPushService> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const service = new LocalPushService(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, vapidPublicKey);
    server.on('request', (req, res) => void service.handle(req, res));
    return service;
  }

  /** A new browser subscription on this service. */
  device(): TestDevice {
    const id = randomBytes(12).toString('base64url');
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const device = {
      id,
      endpoint: `${this.origin}/push/${id}`,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
      ecdh,
    };
    this.devices.set(id, device);
    return device;
  }

  answer(device: TestDevice, status: number | 'hang'): void {
    this.answers.set(device.id, status);
  }

  /** The next push (already received or still to come) that `match` accepts. */
  next(match: (p: ReceivedPush) => boolean, timeoutMs = 15_000, what = 'push'): Promise<ReceivedPush> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${what} within ${timeoutMs} ms (received: ${JSON.stringify(this.received.map((r) => r.payload))}; problems: ${this.problems.join('; ')})`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  pushesTo(device: TestDevice): ReceivedPush[] {
    return this.received.filter((p) => p.deviceId === device.id);
  }

  close(): Promise<void> {
    this.server.closeAllConnections(); // hung requests too
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const deviceId = /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1] ?? '';
    const device = this.devices.get(deviceId);
    try {
      if (req.method !== 'POST') throw new Error(`method ${req.method}`);
      if (!device) throw new Error(`unknown endpoint ${req.url}`);
      await this.checkVapid(req.headers.authorization ?? '');
      if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error(`content-encoding ${req.headers['content-encoding']}`);
      // RFC 8030 §5: TTL is required; a push service need accept no more than 4096 bytes.
      const ttl = Number(req.headers.ttl);
      if (!Number.isInteger(ttl) || ttl < 0) throw new Error(`TTL ${req.headers.ttl}`);
      if (body.length > 4096) throw new Error(`body of ${body.length} bytes`);
      const topic = req.headers.topic as string | undefined;
      if (topic !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(topic)) throw new Error(`topic ${topic}`);
      const plain = decrypt(body, { version: 'aes128gcm', privateKey: device.ecdh, authSecret: device.keys.auth });
      const push: ReceivedPush = {
        deviceId,
        ttl,
        urgency: req.headers.urgency as string | undefined,
        topic,
        bodyBytes: body.length,
        payload: JSON.parse(plain.toString('utf8')) as Record<string, unknown>,
      };
      const status = this.answers.get(deviceId) ?? 201;
      this.received.push(push);
      for (const w of this.waiters.filter((w) => w.match(push))) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(push);
      }
      if (status === 'hang') return; // the sender's deadline must end it
      res.writeHead(status, status === 201 ? { location: `${this.origin}/message/${randomBytes(8).toString('hex')}` } : {}).end();
    } catch (err) {
      this.problems.push((err as Error).message);
      res.writeHead(400).end();
    }
  }

  /** RFC 8292 §2–3: `vapid t=<JWT>, k=<public key>`, the JWT signed by that key for this origin. */
  private async checkVapid(authorization: string): Promise<void> {
    const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(authorization);
    if (!match) throw new Error(`authorization header ${authorization.slice(0, 20)}…`);
    const [, jwt, k] = match;
    if (k !== this.vapidPublicKey) throw new Error('k is not the app\'s VAPID public key');
    const point = base64url.decode(k!);
    const key = await importJWK({ kty: 'EC', crv: 'P-256', x: base64url.encode(point.slice(1, 33)), y: base64url.encode(point.slice(33, 65)) }, 'ES256');
    const { payload } = await jwtVerify(jwt!, key, { algorithms: ['ES256'], audience: this.origin, requiredClaims: ['exp', 'sub'] });
    if (payload.exp! > Date.now() / 1000 + 24 * 60 * 60) throw new Error('exp more than 24 h ahead');
    if (!/^(mailto:|https:)/.test(String(payload.sub))) throw new Error(`sub ${payload.sub}`);
  }
}
