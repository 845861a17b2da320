/**
 * /api/e2e: the secret-chat key directory (docs/e2e.md). Devices publish public keys;
 * people who share a room read each other's device lists and claim one-time prekeys
 * to start sessions. The server holds no private key and reads no message.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import {
  addOneTimePrekeys,
  claimBundle,
  countOneTimePrekeys,
  deviceOwner,
  listDevices,
  MAX_ONE_TIME_PREKEYS,
  registerDevice,
  removeDevice,
  shareARoom,
} from '../../drizzle/queries/e2e-devices';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { badRequest, conflict, forbidden, notFound } from '../http/errors';
import { parseWith, readJson, uuidParam } from '../http/validate';

export const e2eRoutes = new Hono<AppEnv>();
e2eRoutes.use('/e2e/*', requireUser);

/** A 32-byte public key in base64url (43 characters, no padding). */
const publicKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'keys are 32 bytes in base64url');
/** A 64-byte Ed25519 signature in base64url. */
const signature = z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'signatures are 64 bytes in base64url');
const keyId = z.int().min(1).max(2 ** 31 - 1);
const oneTimePrekeys = z.array(z.strictObject({ id: keyId, publicKey })).max(100);

const deviceBody = z.strictObject({
  identityKey: publicKey,
  signingKey: publicKey,
  signedPrekey: z.strictObject({ id: keyId, publicKey, signature }),
  oneTimePrekeys,
});

/** Who may see a person's devices: the person, and people who share a room with them. */
async function requireSharedRoom(c: import('hono').Context<AppEnv>, userId: string) {
  if (!(await shareARoom(c.var.db(), c.var.user.userId, userId))) throw forbidden('you share no conversation with that person');
}

e2eRoutes.post('/e2e/devices', async (c) => {
  const body = await readJson(c, deviceBody);
  const deviceId = await registerDevice(c.var.db(), c.var.user.userId, body);
  if (!deviceId) throw conflict('a device with that identity key is already registered');
  return c.json({ deviceId }, 201);
});

/** How many one-time prekeys a device has left (its owner only): it tops them up when few are. */
e2eRoutes.get('/e2e/devices/:deviceId/prekeys', async (c) => {
  const deviceId = parseWith(uuidParam, c.req.param('deviceId'));
  const db = c.var.db();
  if ((await deviceOwner(db, deviceId)) !== c.var.user.userId) throw notFound('no such device of yours');
  return c.json({ count: await countOneTimePrekeys(db, deviceId) });
});

/** Tops up a device's one-time prekeys (its owner only). */
e2eRoutes.post('/e2e/devices/:deviceId/prekeys', async (c) => {
  const deviceId = parseWith(uuidParam, c.req.param('deviceId'));
  const { oneTimePrekeys: prekeys } = await readJson(c, z.strictObject({ oneTimePrekeys }));
  const db = c.var.db();
  if ((await deviceOwner(db, deviceId)) !== c.var.user.userId) throw notFound('no such device of yours');
  if ((await countOneTimePrekeys(db, deviceId)) + prekeys.length > MAX_ONE_TIME_PREKEYS) {
    throw badRequest(`a device may hold at most ${MAX_ONE_TIME_PREKEYS} one-time prekeys`);
  }
  await addOneTimePrekeys(db, deviceId, prekeys);
  return c.json({ count: await countOneTimePrekeys(db, deviceId) });
});

e2eRoutes.delete('/e2e/devices/:deviceId', async (c) => {
  const deviceId = parseWith(uuidParam, c.req.param('deviceId'));
  if (!(await removeDevice(c.var.db(), c.var.user.userId, deviceId))) throw notFound('no such device of yours');
  return c.body(null, 204);
});

e2eRoutes.get('/e2e/users/:userId/devices', async (c) => {
  const userId = parseWith(uuidParam, c.req.param('userId'));
  await requireSharedRoom(c, userId);
  return c.json({ devices: await listDevices(c.var.db(), userId) });
});

/** A device's prekey bundle, with one of its one-time prekeys, which no one else will get. */
e2eRoutes.post('/e2e/devices/:deviceId/claim', async (c) => {
  const deviceId = parseWith(uuidParam, c.req.param('deviceId'));
  const db = c.var.db();
  const owner = await deviceOwner(db, deviceId);
  if (!owner) throw notFound('no such device');
  await requireSharedRoom(c, owner);
  const bundle = await claimBundle(db, deviceId);
  if (!bundle) throw notFound('no such device');
  return c.json({ bundle });
});
