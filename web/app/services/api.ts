/**
 * Typed client of the REST API (/api/*). Every call goes through `request`, which adds the
 * bearer token, retries once after refreshing an expired token, and turns the API's error JSON
 * (`{ error: { code, message, details? } }`) and network failures into an `ApiError` whose
 * message can be shown to people as is.
 */
import type { CallState, LinkPreview, MemberState, WireMessage } from '../lib/protocol';
import type { PrivacySettings } from '../../../durable-objects/shared/privacy';
import type { SearchHit } from '../../../drizzle/queries/search';
import type { StarredMessage } from '../../../drizzle/queries/message-actions';
import type { CallHistoryEntry } from '../../../drizzle/queries/call-history';
import type { MediaKind } from '../../../drizzle/queries/media';
import type { Pin } from '../lib/protocol';

// ------------------------------------------------------------------ response shapes

export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  /** Profile picture (avatarUrl); null: initials. */
  avatarId?: string | null;
  createdAt: string;
}

export interface BlockedUser {
  id: string;
  username: string;
  displayName: string;
  blockedAt: string;
}

export interface Session {
  user: PublicUser;
  token: string;
  /** Seconds the access token is valid for. */
  expiresIn: number;
}

/** The password step's answer when the account has two-step sign-in: no session yet. */
export interface SecondStepRequired {
  secondStep: { token: string; expiresIn: number; methods: ('totp' | 'recovery_code')[] };
}

export type LoginResult = Session | SecondStepRequired;

export const needsSecondStep = (r: LoginResult): r is SecondStepRequired => 'secondStep' in r;

/** What only the owner sees about their own account (GET /api/me). */
export interface AccountStatus {
  email: string;
  emailVerified: boolean;
  twoStep: boolean;
}

export interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export type RoomKind = 'direct' | 'group';
export type Role = MemberState['role'];

export interface RoomMember {
  userId: string;
  username: string;
  displayName: string;
  avatarId?: string | null;
  role: Role;
  lastReadSeq: number;
  online?: boolean;
  /** The account was deleted: displayName is "Deleted user", username a placeholder never shown (lib/members.ts). */
  deleted?: boolean;
}

export interface RoomSummary {
  id: string;
  kind: RoomKind;
  name: string | null;
  lastSeq: number;
  lastMessageAt: string | null;
  lastReadSeq: number;
  unreadCount: number;
  lastMessage?: WireMessage | null;
  members: RoomMember[];
  /** My notifications for this room are silenced until then (ISO time or 'forever'); null: not muted. */
  mutedUntil?: string | null;
  /** Pinned (leads my list, most recently pinned first) since then; null: not pinned. */
  pinnedAt?: string | null;
  /** Archived by me with no message since: in the Archived view, not the main list. */
  archived?: boolean;
  /** I marked it unread: shown unread until I open it. */
  markedUnread?: boolean;
  /** Unread messages that @mention me. */
  unreadMentions?: number;
  createdAt?: string;
  createdBy?: string | null;
  /** A secret chat (docs/e2e.md): lastMessage is sealed; only this device's store can say what it says. */
  secret?: boolean;
  /** A group's picture (members only: fetched with the token) and description, set by its admins. */
  avatarId?: string | null;
  description?: string | null;
  /** A group I left or was removed from: read-only, its history up to `untilSeq`, until I delete it. */
  former?: FormerMembership | null;
}

export interface FormerMembership {
  reason: 'left' | 'removed';
  untilSeq: number | null;
  leftAt: string;
}

/** What PATCH /api/rooms/:id/list-state changes (any of them). */
export interface ListStateChange {
  pinned?: boolean;
  archived?: boolean;
  markedUnread?: boolean;
}

export interface AccountSession {
  id: string;
  /** The browser and system it signed in from ("Chrome on Linux"); null when unknown. */
  device: string | null;
  createdAt: string;
  /** Its last sign-in or refresh; null for a session older than this field. */
  lastActiveAt: string | null;
  expiresAt: string;
  /** The session this browser is signed in with. */
  current: boolean;
}

export type MuteDuration = '1h' | '8h' | '1w' | 'forever' | 'off';

/** One search result, as drizzle/queries/search.ts returns it. */
export type { SearchHit } from '../../../drizzle/queries/search';
export type { StarredMessage } from '../../../drizzle/queries/message-actions';
export type { MediaKind } from '../../../drizzle/queries/media';
export type { CallHistoryEntry } from '../../../drizzle/queries/call-history';
export type { Pin } from '../lib/protocol';

export type ForwardOutcome = { roomId: string; ok: true; seq: number; id: string } | { roomId: string; ok: false; reason: string };

export interface RoomDetail {
  id: string;
  kind: RoomKind;
  name?: string | null;
  members: RoomMember[];
  former?: FormerMembership | null;
  createdAt?: string;
  createdBy?: string | null;
  secret?: boolean;
  avatarId?: string | null;
  description?: string | null;
}

export interface HistoryPage {
  /** Newest first. */
  messages: WireMessage[];
  nextBefore: number | null;
}

export interface Ticket {
  ticket: string;
  expiresIn: number;
}

/** An invite link as listed to admins (the token itself is only returned once, at creation). */
export interface Invite {
  id: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  uses: number;
}

export interface CreatedInvite extends Invite {
  token: string;
  /** https://<app>/join/<token> */
  url: string;
}

export interface InvitePreview {
  room: { id: string; name: string | null; members: number };
  /** I am in this group already: nothing to join. */
  member: boolean;
}

/** One row of a room's call log. */
export interface CallLogEntry {
  id: string;
  roomId: string;
  callerId: string;
  /** Null for a group call (its people are in `participants`). */
  receiverId: string | null;
  kind: 'direct' | 'group';
  media: CallState['media'];
  status: 'ringing' | 'accepted' | 'rejected' | 'missed' | 'busy';
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** Group calls: every member, joined (when, for how long) or missed. */
  participants?: { userId: string; status: 'joined' | 'missed'; joinedAt: string | null; leftAt: string | null; durationMs: number }[];
}

// ------------------------------------------------------------------ errors

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  get isNetwork() {
    return this.status === 0;
  }

  /** Per-field messages from a validation error (`details` is zod's fieldErrors). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.details && typeof this.details === 'object') {
      for (const [field, value] of Object.entries(this.details as Record<string, unknown>)) {
        const first = Array.isArray(value) ? value.find((v) => typeof v === 'string') : value;
        if (typeof first === 'string') out[field] = sentence(first);
      }
    }
    return out;
  }
}

/** "✖ username must be at least 3 characters\n  → at username" → "Username must be at least 3 characters." */
/** A server error message as the app shows it (sentences, no validation arrows). */
export function cleanMessage(raw: string): string {
  const lines = raw
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('→'))
    .map((l) => l.replace(/^✖\s*/, ''));
  const unique = [...new Set(lines)];
  return unique.length ? unique.map(sentence).join(' ') : 'Something went wrong.';
}

function sentence(s: string): string {
  const t = s.trim();
  if (!t) return t;
  const cap = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(cap) ? cap : `${cap}.`;
}

function statusMessage(status: number): string {
  if (status === 401) return 'Your session has ended. Please sign in again.';
  if (status === 403) return 'You are not allowed to do that.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests. Please wait a moment.';
  if (status >= 500) return 'The server had a problem. Please try again.';
  return 'Something went wrong.';
}

// ------------------------------------------------------------------ auth plumbing

/** Supplied by AuthContext: the current access token, and a way to get a fresh one. */
export interface TokenSource {
  /** The access token while it is valid; null when there is none (opened offline) or it expired. */
  getToken(): string | null;
  /** Returns a new token, or null when the session is over (the provider then signs out). */
  refresh(): Promise<string | null>;
}

let tokenSource: TokenSource | null = null;
export function setTokenSource(source: TokenSource | null) {
  tokenSource = source;
}

/**
 * Sends with the bearer token, for `request` and for what cannot go through it (uploads, file
 * downloads). Without a valid token (opened offline, or it expired while the device slept) it
 * refreshes first, so no request goes out with a token the server is known to refuse; a 401
 * anyway (the session was ended elsewhere meanwhile) refreshes once and sends again.
 */
export async function withToken<R extends { status: number }>(sendWith: (token: string | null) => Promise<R>): Promise<R> {
  if (!tokenSource) return sendWith(null);
  const token = tokenSource.getToken() ?? (await tokenSource.refresh());
  const reply = await sendWith(token);
  if (reply.status !== 401) return reply;
  const fresh = await tokenSource.refresh();
  return fresh && fresh !== token ? sendWith(fresh) : reply;
}

/** The JSON error of a failed response as an ApiError (or one from its status). */
export function apiErrorFrom(status: number, body: string): ApiError {
  let err: { code?: unknown; message?: unknown; details?: unknown } | undefined;
  try {
    err = (JSON.parse(body) as { error?: typeof err }).error;
  } catch {
    err = undefined;
  }
  const code = typeof err?.code === 'string' ? err.code : `http_${status}`;
  const message = typeof err?.message === 'string' ? cleanMessage(err.message) : statusMessage(status);
  return new ApiError(status, code, message, err?.details);
}

interface RequestOptions {
  body?: unknown;
  /** Send the bearer token (default true). */
  auth?: boolean;
  signal?: AbortSignal;
}

/** Fired on window when a request found no connection to the server (the sockets then check theirs). */
export const UNREACHABLE_EVENT = 'edge-chat:unreachable';

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const { auth = true } = options;
  const response = auth ? await withToken((token) => send(method, path, options, token)) : await send(method, path, options, null);
  if (response.status === 204) return undefined as T;
  const text = await response.text().catch(() => '');
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: handled below
    }
  }
  if (!response.ok) throw apiErrorFrom(response.status, text);
  if (json === undefined) throw new ApiError(response.status, 'bad_response', 'The server sent an unexpected reply.');
  return json as T;
}

async function send(method: string, path: string, options: RequestOptions, token: string | null) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    // The sockets may not know yet (services/socket.ts listens and checks its link now).
    if (typeof window !== 'undefined') window.dispatchEvent(new Event(UNREACHABLE_EVENT));
    throw new ApiError(0, 'network', "Can't reach the server. Check your connection.");
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.name === 'AbortError') return 'Cancelled.';
  return 'Something went wrong.';
}

const enc = encodeURIComponent;

// ------------------------------------------------------------------ endpoints

export interface PushSetting {
  subscribed: boolean;
  privatePreviews: boolean;
}

export const api = {
  /** `embedded`: signing in inside a chat framed by another site (a partitioned refresh cookie). */
  register: (body: { username: string; email: string; password: string; displayName?: string }, embedded = false) =>
    request<Session>('POST', `/api/auth/register${embedded ? '?context=embed' : ''}`, { body, auth: false }),
  login: (body: { login: string; password: string }, embedded = false) =>
    request<LoginResult>('POST', `/api/auth/login${embedded ? '?context=embed' : ''}`, { body, auth: false }),
  secondStep: (body: { token: string; code: string } | { token: string; recoveryCode: string }, embedded = false) =>
    request<Session>('POST', `/api/auth/login/second-step${embedded ? '?context=embed' : ''}`, { body, auth: false }),
  passkeySignInOptions: () => request<{ options: unknown }>('POST', '/api/auth/passkey/options', { auth: false }),
  passkeySignIn: (response: unknown, embedded = false) =>
    request<Session>('POST', `/api/auth/passkey${embedded ? '?context=embed' : ''}`, { body: { response }, auth: false }),
  /** Always 202 with the same message, whether or not an account has the address. */
  requestPasswordReset: (email: string) => request<{ message: string }>('POST', '/api/auth/password-reset/request', { body: { email }, auth: false }),
  resetPassword: (token: string, password: string) =>
    request<{ signedOutSessions: number }>('POST', '/api/auth/password-reset', { body: { token, password }, auth: false }),
  verifyEmail: (token: string) => request<{ verified: true }>('POST', '/api/auth/verify-email', { body: { token }, auth: false }),
  /** Uses the HttpOnly refresh cookie only. 401 means there is no session. */
  refresh: () => request<Session>('POST', '/api/auth/refresh', { auth: false }),
  logout: () => request<void>('POST', '/api/auth/logout', { auth: true }),
  me: () => request<{ user: PublicUser; account: AccountStatus }>('GET', '/api/me'),
  resendVerification: () => request<{ sent?: true; alreadyVerified?: true }>('POST', '/api/account/email/verification'),
  twoStep: () => request<{ enabled: boolean; recoveryCodesLeft: number }>('GET', '/api/account/two-step'),
  twoStepSetup: (password: string) => request<{ secret: string; uri: string }>('POST', '/api/account/two-step/setup', { body: { password } }),
  twoStepEnable: (code: string) => request<{ enabled: true; recoveryCodes: string[] }>('POST', '/api/account/two-step/enable', { body: { code } }),
  twoStepDisable: (password: string) => request<void>('DELETE', '/api/account/two-step', { body: { password } }),
  newRecoveryCodes: (password: string) => request<{ recoveryCodes: string[] }>('POST', '/api/account/two-step/recovery-codes', { body: { password } }),
  passkeys: () => request<{ passkeys: Passkey[] }>('GET', '/api/account/passkeys'),
  passkeyOptions: (password: string) => request<{ options: unknown }>('POST', '/api/account/passkeys/options', { body: { password } }),
  addPasskey: (response: unknown, name: string) => request<{ passkey: Passkey }>('POST', '/api/account/passkeys', { body: { response, name } }),
  removePasskey: (id: string) => request<void>('DELETE', `/api/account/passkeys/${enc(id)}`),
  updateProfile: (body: { displayName: string }) => request<{ user: PublicUser }>('PATCH', '/api/me', { body }),
  removeAvatar: () => request<{ user: PublicUser }>('DELETE', '/api/me/avatar'),

  searchUsers: (q: string, signal?: AbortSignal) =>
    request<{ users: PublicUser[] }>('GET', `/api/users?q=${enc(q)}`, { signal }),

  /** Who sees my last seen and read receipts, who may add me to groups (docs/api.md, "Privacy"). */
  privacy: () => request<{ privacy: PrivacySettings }>('GET', '/api/account/privacy'),
  setPrivacy: (privacy: PrivacySettings) => request<{ privacy: PrivacySettings }>('PUT', '/api/account/privacy', { body: privacy }),
  /** No direct chat, calls or presence with this person, either way (docs/api.md). */
  blockUser: (username: string) => request<void>('PUT', `/api/blocks/${enc(username)}`),
  unblockUser: (username: string) => request<void>('DELETE', `/api/blocks/${enc(username)}`),
  /** The people I blocked (not those who blocked me: that is theirs to know). */
  blockedUsers: () => request<{ blocked: BlockedUser[] }>('GET', '/api/blocks'),
  searchMessages: (q: string, opts: { roomId?: string; cursor?: string | null; signal?: AbortSignal } = {}) =>
    request<{ results: SearchHit[]; nextCursor: string | null }>(
      'GET',
      `/api/search/messages?q=${enc(q)}${opts.roomId ? `&roomId=${enc(opts.roomId)}` : ''}${opts.cursor ? `&cursor=${enc(opts.cursor)}` : ''}`,
      { signal: opts.signal },
    ),
  muteRoom: (roomId: string, duration: MuteDuration) =>
    request<{ roomId: string; mutedUntil: string | null }>('PUT', `/api/rooms/${enc(roomId)}/mute`, { body: { duration } }),
  setListState: (roomId: string, change: ListStateChange) =>
    request<{ roomId: string; pinnedAt: string | null; archived: boolean; markedUnread: boolean }>('PATCH', `/api/rooms/${enc(roomId)}/list-state`, { body: change }),

  forward: (body: { roomId: string; seq: number; to: string[]; clientId: string }) =>
    request<{ forwarded: ForwardOutcome[] }>('POST', '/api/forward', { body }),
  pins: (roomId: string) => request<{ pins: Pin[] }>('GET', `/api/rooms/${enc(roomId)}/pins`),
  pin: (roomId: string, seq: number, on: boolean) =>
    request<{ pins: Pin[] }>(on ? 'PUT' : 'DELETE', `/api/rooms/${enc(roomId)}/pins/${seq}`),
  starred: () => request<{ starred: StarredMessage[] }>('GET', '/api/starred'),
  /** A chat's pictures, files or links, newest first (`before`: the last page's `nextBefore`). */
  media: (roomId: string, kind: MediaKind, before?: number | null) =>
    request<{ messages: WireMessage[]; nextBefore: number | null }>(
      'GET',
      `/api/rooms/${enc(roomId)}/media?kind=${kind}${before ? `&before=${before}` : ''}`,
    ),
  /** My calls across chats, newest first; `before`: the previous page's nextCursor. */
  callHistory: (before?: string | null) =>
    request<{ calls: CallHistoryEntry[]; nextCursor: string | null }>('GET', `/api/calls${before ? `?before=${enc(before)}` : ''}`),
  star: (roomId: string, seq: number, on: boolean) =>
    request<unknown>(on ? 'PUT' : 'DELETE', `/api/rooms/${enc(roomId)}/messages/${seq}/star`),
  hidden: (roomId: string) => request<{ seqs: number[] }>('GET', `/api/rooms/${enc(roomId)}/hidden`),
  hide: (roomId: string, seq: number) => request<unknown>('PUT', `/api/rooms/${enc(roomId)}/messages/${seq}/hidden`),

  sessions: () => request<{ sessions: AccountSession[] }>('GET', '/api/account/sessions'),
  revokeSession: (id: string) => request<void>('DELETE', `/api/account/sessions/${enc(id)}`),
  /** Every session but this one ends (their sockets close too). */
  revokeOtherSessions: () => request<{ signedOutSessions: number }>('POST', '/api/account/sessions/revoke-others'),

  /** Web Push (docs/web-push.md): the server's VAPID key, and this device's subscription. */
  pushConfig: () => request<{ publicKey: string }>('GET', '/api/push/config'),
  pushSubscription: () => request<PushSetting>('GET', '/api/push/subscription'),
  savePushSubscription: (body: PushSubscriptionJSON & { privatePreviews: boolean }) => request<PushSetting>('PUT', '/api/push/subscription', { body }),
  deletePushSubscription: () => request<void>('DELETE', '/api/push/subscription'),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<{ signedOutSessions: number }>('POST', '/api/account/password', { body: { currentPassword, newPassword } }),
  /** For good: every session ends; my messages stay, shown as "Deleted user". 403 (`wrong_password`) if the password is wrong. */
  deleteAccount: (password: string) => request<void>('DELETE', '/api/account', { body: { password } }),

  rooms: () => request<{ rooms: RoomSummary[] }>('GET', '/api/rooms'),
  room: (roomId: string) => request<{ room: RoomDetail }>('GET', `/api/rooms/${enc(roomId)}`),
  openDirect: (username: string) =>
    request<{ room: { id: string; kind: 'direct'; with: PublicUser } }>('POST', '/api/rooms/direct', {
      body: { username },
    }),
  /** The pair's secret chat (docs/e2e.md), beside their ordinary conversation. */
  openSecret: (username: string) =>
    request<{ room: { id: string; kind: 'direct'; secret: true; with: PublicUser } }>('POST', '/api/rooms/secret', {
      body: { username },
    }),
  history: (roomId: string, before: number | null, limit = 50, signal?: AbortSignal) =>
    request<HistoryPage>(
      'GET',
      `/api/rooms/${enc(roomId)}/messages?limit=${limit}${before ? `&before=${before}` : ''}`,
      { signal },
    ),
  /** A thread: its root and replies oldest first, from `after` (GET /api/rooms/:roomId/threads/:rootSeq). */
  thread: (roomId: string, rootSeq: number, after = 0, signal?: AbortSignal) =>
    request<{ root: WireMessage; replies: WireMessage[]; nextAfter: number | null }>(
      'GET',
      `/api/rooms/${enc(roomId)}/threads/${rootSeq}?limit=200${after ? `&after=${after}` : ''}`,
      { signal },
    ),
  /** How far I read each thread of the room, by root seq, as kept for me on the server. */
  threadReads: (roomId: string, signal?: AbortSignal) => request<{ reads: Record<string, number> }>('GET', `/api/rooms/${enc(roomId)}/thread-reads`, { signal }),
  /** Moves my mark of a thread up to `seq` (never back). */
  markThreadRead: (roomId: string, rootSeq: number, seq: number) => request<void>('PUT', `/api/rooms/${enc(roomId)}/thread-reads/${rootSeq}`, { body: { seq } }),
  roomTicket: (roomId: string) => request<Ticket>('POST', `/api/rooms/${enc(roomId)}/ws-ticket`),
  inboxTicket: () => request<Ticket>('POST', '/api/inbox/ws-ticket'),

  createGroup: (name: string, members: string[]) =>
    request<{ room: { id: string } }>('POST', '/api/groups', { body: { name, members } }),
  renameGroup: (roomId: string, name: string) =>
    request<unknown>('PATCH', `/api/groups/${enc(roomId)}`, { body: { name } }),
  /** An empty description clears it. */
  describeGroup: (roomId: string, description: string) =>
    request<unknown>('PATCH', `/api/groups/${enc(roomId)}`, { body: { description } }),
  removeGroupPicture: (roomId: string) => request<unknown>('DELETE', `/api/groups/${enc(roomId)}/avatar`),
  addMember: (roomId: string, username: string) =>
    request<unknown>('POST', `/api/groups/${enc(roomId)}/members`, { body: { username } }),
  removeMember: (roomId: string, userId: string) =>
    request<unknown>('DELETE', `/api/groups/${enc(roomId)}/members/${enc(userId)}`),
  setRole: (roomId: string, userId: string, role: Role) =>
    request<unknown>('PATCH', `/api/groups/${enc(roomId)}/members/${enc(userId)}`, { body: { role } }),
  /** Deletes a group I left or was removed from from my list (its history with it). */
  forgetFormerRoom: (roomId: string) => request<void>('DELETE', `/api/rooms/${enc(roomId)}/former`),
  leaveGroup: (roomId: string) => request<unknown>('POST', `/api/groups/${enc(roomId)}/leave`),

  createInvite: (roomId: string, expiresInHours?: number) =>
    request<{ invite: CreatedInvite }>('POST', `/api/groups/${enc(roomId)}/invites`, {
      body: expiresInHours ? { expiresInHours } : {},
    }),
  invites: (roomId: string) => request<{ invites: Invite[] }>('GET', `/api/groups/${enc(roomId)}/invites`),
  revokeInvite: (roomId: string, inviteId: string) =>
    request<void>('DELETE', `/api/groups/${enc(roomId)}/invites/${enc(inviteId)}`),
  /** Signed out too: the name of a group shown in an embed, if its admins allow that (else room: null). */
  embeddedGroup: (roomId: string, invite: string | null) =>
    request<{ room: { id: string; name: string | null } | null }>(
      'GET',
      `/api/embed/${enc(roomId)}${invite ? `?invite=${enc(invite)}` : ''}`,
      { auth: false },
    ),
  invitePreview: (token: string) => request<InvitePreview>('GET', `/api/invites/${enc(token)}`),
  acceptInvite: (token: string) =>
    request<{ room: { id: string; name: string | null }; joined: boolean }>('POST', `/api/invites/${enc(token)}/accept`),
  embedOrigins: (roomId: string) => request<{ origins: string[] }>('GET', `/api/groups/${enc(roomId)}/embed-origins`),
  setEmbedOrigins: (roomId: string, origins: string[]) =>
    request<{ origins: string[] }>('PUT', `/api/groups/${enc(roomId)}/embed-origins`, { body: { origins } }),

  iceServers: () => request<{ iceServers: RTCIceServer[]; ttlSeconds: number }>('GET', '/api/calls/ice-servers'),
  /** The preview of a link I am about to send, fetched by the Worker and kept by the room for my `send` (docs/api.md). */
  linkPreview: (roomId: string, url: string, signal?: AbortSignal) =>
    request<{ preview: LinkPreview | null; noPreview?: { code: string; message: string } }>('POST', `/api/rooms/${enc(roomId)}/link-previews`, { body: { url }, signal }),
  callLog: (roomId: string) => request<{ calls: CallLogEntry[] }>('GET', `/api/rooms/${enc(roomId)}/calls`),
  /** A group call over the SFU: the Worker's proxy to Cloudflare Realtime (docs/api.md, "Group calls over the SFU"). */
  sfu: (roomId: string, callId: string) => {
    const base = `/api/rooms/${enc(roomId)}/group-calls/${enc(callId)}/sfu`;
    return {
      session: () => request<{ sessionId: string }>('POST', `${base}/session`),
      publish: (offer: SfuDescription, tracks: { mid: string; kind: 'audio' | 'video' }[]) =>
        request<{ sessionDescription: SfuDescription; tracks: { mid: string; trackName: string }[] }>('POST', `${base}/publish`, { body: { sessionDescription: offer, tracks } }),
      pull: (tracks: { userId: string; trackName: string }[]) =>
        request<{ sessionDescription: SfuDescription; tracks: { mid: string; userId: string; trackName: string }[] }>('POST', `${base}/pull`, { body: { tracks } }),
      renegotiate: (answer: SfuDescription) => request<void>('PUT', `${base}/renegotiate`, { body: { sessionDescription: answer } }),
      close: (mids: string[], offer: SfuDescription) =>
        request<{ sessionDescription: SfuDescription | null }>('PUT', `${base}/close`, { body: { tracks: mids.map((mid) => ({ mid })), sessionDescription: offer } }),
    };
  },
};

export type { PrivacySettings };

/** An SDP offer or answer as the Realtime API carries it. */
export interface SfuDescription {
  type: 'offer' | 'answer';
  sdp: string;
}
export type SfuApi = ReturnType<typeof api.sfu>;
