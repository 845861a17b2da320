/**
 * The inbox's decision of which of the user's devices gets a Web Push, and the sending.
 * A device is a push subscription tied to a login session (docs/web-push.md):
 *
 * - a device with a live inbox socket gets none (its open tab notifies by itself);
 * - a muted room pushes only messages that mention the user, and never rings;
 * - each chat collapses to one pending push per device (`Topic`), a message waits at the
 *   push service for a day at most, a ringing call for its ring time with `Urgency: high`;
 * - a call that stops ringing (answered on another device, declined, missed) sends a
 *   second push to the devices it rang, so their notification closes.
 *
 * Runs after the inbox answered the room (ctx.waitUntil): never on a message's path. A user
 * known to have no subscribed device costs no query at all: the inbox remembers "none" after
 * a lookup found none, until the Worker reports a new subscription (`devicesChanged`).
 * Failures are logged with ids only; a subscription the push service no longer knows
 * (404/410) is deleted.
 */
import type { Database } from '../../drizzle/connection';
import { deleteSubscription, deliveryWorthRecording, pushAudience, recordDelivery, type PushDevice } from '../../drizzle/queries/push-subscriptions';
import type { CallState, WireMessage } from '../protocol';
import { pushEndpointProblem } from '../push/endpoint-policy';
import { readPushConfig, type PushEnv } from '../push/push-config';
import { callEndPayload, callPayload, messagePayload, type PushPayload } from '../push/push-payload';
import { pushTopic, sendPush, type PushOptions } from '../push/web-push';
import { mentions } from '../shared/mentions';
import { logFailure } from '../shared/log-failure';

/** A day: an offline phone still hears of a message when it comes back the next morning. */
const MESSAGE_TTL_S = 24 * 60 * 60;
/** A ring push is useless after the ring timeout (durable-objects/room/call-controller.ts). */
const CALL_TTL_S = 30;
/** Calls rung by push are remembered this long, to send the "stopped ringing" push. */
const RUNG_CALL_KEEP_MS = 10 * 60_000;

export interface PushDispatcherDeps {
  env: PushEnv;
  db: () => Database;
  sql: SqlStorage;
  /** Sessions with an open inbox socket right now. */
  liveSessions: () => ReadonlySet<string>;
}

export class PushDispatcher {
  /** Bumped by every reported subscription: a lookup that started before one must not record "none". */
  private changes = 0;

  constructor(private readonly deps: PushDispatcherDeps) {
    deps.sql.exec('create table if not exists push_rung (call_id text not null, device_id text not null, at integer not null, primary key (call_id, device_id))');
    deps.sql.exec('create table if not exists push_state (id integer primary key check (id = 1), no_devices integer not null)');
  }

  /** The Worker stored a subscription for this user: look their devices up again. */
  devicesChanged(): void {
    this.changes++;
    this.deps.sql.exec('delete from push_state');
  }

  private knownToHaveNoDevices(): boolean {
    return this.deps.sql.exec<{ no_devices: number }>('select no_devices from push_state').toArray()[0]?.no_devices === 1;
  }

  /** The audience, remembering when the user turned out to have no device at all. */
  private async audience(userId: string, roomId: string, senderId: string | null) {
    if (this.knownToHaveNoDevices()) return undefined;
    const before = this.changes;
    const audience = await pushAudience(this.deps.db(), userId, roomId, senderId);
    if (audience && audience.devices.length === 0 && this.changes === before) {
      this.deps.sql.exec('insert or replace into push_state (id, no_devices) values (1, 1)');
    }
    return audience;
  }

  private get config() {
    return readPushConfig(this.deps.env);
  }

  /** A new message in a room the user does not have open. */
  async message(userId: string, message: WireMessage): Promise<void> {
    if (!this.config.vapid || message.senderId === null || message.senderId === userId) return;
    if (message.deletedAt || message.type === 'system' || message.type === 'call') return;
    const audience = await this.audience(userId, message.roomId, message.senderId);
    if (!audience) return;
    const mentioned = message.type === 'text' && mentions(message.content, audience.username);
    if (audience.muted && !mentioned) return;
    const ctx = { senderName: audience.senderName ?? 'Someone', groupName: audience.groupName };
    await this.deliver(this.offline(audience.devices), `room:${message.roomId}`, { ttl: MESSAGE_TTL_S, urgency: mentioned ? 'high' : 'normal' }, (d) =>
      messagePayload(message, mentioned, { ...ctx, privatePreviews: d.privatePreviews }),
    );
  }

  /** The user is being called. */
  async ring(call: CallState): Promise<void> {
    if (!this.config.vapid || call.status !== 'ringing') return;
    const audience = await this.audience(call.calleeId, call.roomId, call.callerId);
    if (!audience || audience.muted) return;
    const devices = this.offline(audience.devices);
    const now = Date.now();
    this.deps.sql.exec('delete from push_rung where at < ?', now - RUNG_CALL_KEEP_MS);
    for (const d of devices) this.deps.sql.exec('insert or ignore into push_rung (call_id, device_id, at) values (?, ?, ?)', call.id, d.id, now);
    await this.deliver(devices, `call:${call.id}`, { ttl: CALL_TTL_S, urgency: 'high' }, (d) =>
      callPayload(call, audience.senderName ?? 'Someone', d.privatePreviews),
    );
  }

  /** The call's state moved on: devices it rang by push close their call notification. */
  async callChanged(userId: string, call: CallState): Promise<void> {
    if (!this.config.vapid || call.status === 'ringing' || call.calleeId !== userId) return;
    const rung = new Set(
      this.deps.sql
        .exec<{ device_id: string }>('select device_id from push_rung where call_id = ?', call.id)
        .toArray()
        .map((r) => r.device_id),
    );
    if (rung.size === 0) return;
    this.deps.sql.exec('delete from push_rung where call_id = ?', call.id);
    const audience = await pushAudience(this.deps.db(), userId, call.roomId, call.callerId);
    const devices = (audience?.devices ?? []).filter((d) => rung.has(d.id));
    await this.deliver(devices, `call:${call.id}`, { ttl: CALL_TTL_S, urgency: 'high' }, () => callEndPayload(call));
  }

  private offline(devices: PushDevice[]): PushDevice[] {
    const live = this.deps.liveSessions();
    return devices.filter((d) => !live.has(d.sessionId));
  }

  private async deliver(devices: PushDevice[], topicKey: string, options: Omit<PushOptions, 'topic'>, payloadFor: (d: PushDevice) => PushPayload): Promise<void> {
    const { vapid, testEndpointOrigins, timeoutMs } = this.config;
    if (!vapid) return;
    await Promise.all(
      devices.map(async (device) => {
        // Checked when stored too; checked again because the policy may have tightened since.
        if (pushEndpointProblem(device.endpoint, testEndpointOrigins)) {
          await this.forget(device, 'refused');
          return;
        }
        const outcome = await sendPush(device, payloadFor(device), { ...options, topic: await pushTopic(device, topicKey) }, vapid, timeoutMs);
        if (outcome.kind === 'gone') {
          await this.forget(device, `push service answered ${outcome.status}`);
          return;
        }
        const ok = outcome.kind === 'sent';
        if (!ok) logFailure('push delivery failed', outcome.error ?? null, { subscription: device.id, status: outcome.status }, { key: 'push delivery failed' });
        if (deliveryWorthRecording(device, ok)) {
          await recordDelivery(this.deps.db(), device.id, ok).catch((err: unknown) => logFailure('push delivery record failed', err, { subscription: device.id }));
        }
      }),
    );
  }

  private async forget(device: PushDevice, why: string): Promise<void> {
    await deleteSubscription(this.deps.db(), device.id).catch((err: unknown) =>
      logFailure('push subscription removal failed', err, { subscription: device.id, why }),
    );
  }
}
