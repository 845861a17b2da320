/**
 * The device side of the key directory (/api/e2e, docs/api.md): registering this device
 * and finding the devices a secret message goes to. The transport is given, so the
 * browser (with its token refresh) and the tests share this code.
 */
import { fromBase64Url } from './bytes';
import { makePrekeys, type DeviceState, type RecipientDevice } from './device';
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

/** One-time prekeys a device publishes when it registers. */
export const INITIAL_PREKEYS = 50;

/** Publishes this device's keys; sets and returns its id. */
export async function registerDevice(transport: DirectoryTransport, state: DeviceState): Promise<string> {
  const keys = await makePrekeys(state, INITIAL_PREKEYS);
  const { deviceId } = await transport.request<{ deviceId: string }>('POST', '/api/e2e/devices', keys);
  state.deviceId = deviceId;
  return deviceId;
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
