/**
 * The device side of the key directory (/api/e2e, docs/api.md): registering this device
 * and finding the devices a secret message goes to. The transport is given, so the
 * browser (with its token refresh) and the tests share this code.
 */
import { fromBase64Url } from './bytes';
import { makeOneTimePrekeys, makePrekeys, type DeviceState, type RecipientDevice } from './device';
import type { PrekeyBundle } from './x3dh';
import type { ListedDevice } from '../../../../drizzle/queries/e2e-devices';

export interface DirectoryTransport {
  request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export type { ListedDevice };

interface WireBundle {
  identityKey: string;
  signingKey: string;
  signedPrekey: { id: number; publicKey: string; signature: string };
  oneTimePrekey?: { id: number; publicKey: string };
}

/** One-time prekeys a device publishes when it registers, and tops up to. */
export const INITIAL_PREKEYS = 50;
/** Below this many left, a device publishes more (each first message from a new device takes one). */
export const LOW_PREKEYS = 20;

/** Publishes this device's keys; sets and returns its id. */
export async function registerDevice(transport: DirectoryTransport, state: DeviceState): Promise<string> {
  const keys = await makePrekeys(state, INITIAL_PREKEYS);
  const { deviceId } = await transport.request<{ deviceId: string }>('POST', '/api/e2e/devices', keys);
  state.deviceId = deviceId;
  return deviceId;
}

/**
 * Publishes new one-time prekeys when few are left, so that first messages keep getting the
 * one-time key X3DH adds (without one it runs on the signed prekey alone). The private halves
 * are saved before the public ones go out: a key someone may claim is never one this device lost.
 * Resolves to how many were added.
 */
export async function topUpPrekeys(transport: DirectoryTransport, state: DeviceState, save: (state: DeviceState) => Promise<void>): Promise<number> {
  if (!state.deviceId) return 0;
  const path = `/api/e2e/devices/${state.deviceId}/prekeys`;
  const { count } = await transport.request<{ count: number }>('GET', path);
  if (count >= LOW_PREKEYS) return 0;
  const oneTimePrekeys = makeOneTimePrekeys(state, INITIAL_PREKEYS - count);
  await save(state);
  await transport.request('POST', path, { oneTimePrekeys });
  return oneTimePrekeys.length;
}

export async function listDevices(transport: DirectoryTransport, userId: string): Promise<ListedDevice[]> {
  return (await transport.request<{ devices: ListedDevice[] }>('GET', `/api/e2e/users/${userId}/devices`)).devices;
}

/** Every device of these people, as recipients whose bundles are claimed only when needed. */
export async function devicesOf(transport: DirectoryTransport, userIds: string[]): Promise<ListedDevice[]> {
  return (await Promise.all(userIds.map((id) => listDevices(transport, id)))).flat();
}

export function asRecipients(transport: DirectoryTransport, devices: ListedDevice[]): RecipientDevice[] {
  return devices.map((d) => ({
    deviceId: d.deviceId,
    identityKey: fromBase64Url(d.identityKey),
    claim: async () => decodeBundle((await transport.request<{ bundle: WireBundle }>('POST', `/api/e2e/devices/${d.deviceId}/claim`)).bundle),
  }));
}

function decodeBundle(b: WireBundle): PrekeyBundle {
  return {
    identityKey: fromBase64Url(b.identityKey),
    signingKey: fromBase64Url(b.signingKey),
    signedPrekey: { id: b.signedPrekey.id, publicKey: fromBase64Url(b.signedPrekey.publicKey), signature: fromBase64Url(b.signedPrekey.signature) },
    ...(b.oneTimePrekey ? { oneTimePrekey: { id: b.oneTimePrekey.id, publicKey: fromBase64Url(b.oneTimePrekey.publicKey) } } : {}),
  };
}
