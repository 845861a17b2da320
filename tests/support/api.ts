/**
 * A small REST client for tests, over any fetch: the Worker's own (in workerd)
 * or the network (against `wrangler dev`). It fails loudly on unexpected statuses
 * so tests read as the story they tell.
 */
import { testEmail } from './private-marker';

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export interface TestUser {
  id: string;
  username: string;
  /** Carries the private marker (tests/support/private-marker.ts); unset for users made outside TestApi. */
  email?: string;
  password: string;
  token: string;
  /** The refresh cookie (`name=value`) the sign-in set. */
  cookie: string;
}

/**
 * A request the app leaves unanswered fails the test naming it, well before the test's own
 * timeout (which would say nothing of where it hung); 30 s is far past any answer on a loaded machine.
 */
const REQUEST_TIMEOUT_MS = 30_000;

let counter = 0;
/** Unique per test run and per call, so tests never collide on usernames. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}${counter}${Math.floor(Math.random() * 1e4)}`.slice(0, 32);
}

export class TestApi {
  constructor(
    private readonly fetchFn: Fetch,
    readonly baseUrl: string,
    readonly origin: string,
  ) {}

  async request(method: string, path: string, body?: unknown, token?: string, cookie?: string): Promise<Response> {
    const headers: Record<string, string> = { origin: this.origin };
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      return await this.fetchFn(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      if ((err as Error).name !== 'TimeoutError') throw err;
      throw new Error(`${method} ${path}: no answer within ${REQUEST_TIMEOUT_MS} ms`);
    }
  }

  async json<T = any>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    expected = [200, 201],
    cookie?: string,
  ): Promise<T> {
    const res = await this.request(method, path, body, token, cookie);
    const text = await res.text();
    if (!expected.includes(res.status)) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async register(prefix = 'user'): Promise<TestUser> {
    const username = uniqueName(prefix);
    const password = `pw-${crypto.randomUUID()}`;
    const email = testEmail(username);
    const res = await this.request('POST', '/api/auth/register', { username, email, password });
    if (res.status !== 201) throw new Error(`register → ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as { user: { id: string }; token: string };
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    return { id: body.user.id, username, email, password, token: body.token, cookie };
  }

  async createGroup(admin: TestUser, name: string, members: TestUser[]): Promise<string> {
    const body = await this.json<{ room: { id: string } }>(
      'POST',
      '/api/groups',
      { name, members: members.map((m) => m.username) },
      admin.token,
    );
    return body.room.id;
  }

  async openDirect(me: TestUser, other: TestUser): Promise<string> {
    const body = await this.json<{ room: { id: string } }>('POST', '/api/rooms/direct', { username: other.username }, me.token);
    return body.room.id;
  }

  async ticket(user: TestUser, roomId: string): Promise<string> {
    const body = await this.json<{ ticket: string }>('POST', `/api/rooms/${roomId}/ws-ticket`, undefined, user.token);
    return body.ticket;
  }

  async history(user: TestUser, roomId: string, query = ''): Promise<{ messages: { seq: number; content: string; senderId: string }[]; nextBefore: number | null }> {
    return this.json('GET', `/api/rooms/${roomId}/messages${query}`, undefined, user.token);
  }
}
