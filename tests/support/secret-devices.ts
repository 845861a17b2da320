/**
 * Secret-chat devices for tests: the web app's own protocol code (web/app/lib/e2e) in
 * Node, with its keys in memory and the key directory reached over REST as a user.
 */
import type { TestApi, TestUser } from './api';
import { createDeviceState, openMessage, sealMessage, sealedMessageSchema, type DeviceState } from '../../web/app/lib/e2e/device';
import { asRecipients, devicesOf, registerDevice, type DirectoryTransport } from '../../web/app/lib/e2e/directory';
import { decodePayload, encodePayload, type SecretPayload } from '../../web/app/lib/e2e/payload';
import { fromBase64Url } from '../../web/app/lib/e2e/bytes';

export function directoryAs(api: TestApi, user: TestUser): DirectoryTransport {
  return { request: (method, path, body) => api.json(method, path, body, user.token) };
}

export interface TestDevice {
  user: TestUser;
  state: DeviceState;
  transport: DirectoryTransport;
}

export async function newDevice(api: TestApi, user: TestUser): Promise<TestDevice> {
  const state = await createDeviceState();
  const transport = directoryAs(api, user);
  await registerDevice(transport, state);
  return { user, state, transport };
}

/** The sealed JSON of `payload` for every device of `userIds` (the sender's own other devices included). */
export async function seal(device: TestDevice, userIds: string[], payload: SecretPayload): Promise<string> {
  const recipients = asRecipients(device.transport, await devicesOf(device.transport, userIds));
  return JSON.stringify(await sealMessage(device.state, encodePayload(payload), recipients));
}

/** Opens a secret message (its content and its sender, as the room recorded them) on `device`: the payload, or why not. */
export async function open(
  device: TestDevice,
  message: { content: string; senderId: string | null },
): Promise<SecretPayload | 'not_for_this_device' | 'undecryptable'> {
  const sealed = sealedMessageSchema.parse(JSON.parse(message.content));
  const sender = (await devicesOf(device.transport, [message.senderId!])).find((d) => d.deviceId === sealed.from);
  if (!sender) return 'undecryptable';
  const result = await openMessage(device.state, sealed, { identityKey: fromBase64Url(sender.identityKey) });
  if (!result.ok) return result.why;
  return decodePayload(result.plaintext) ?? 'undecryptable';
}
