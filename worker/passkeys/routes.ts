/**
 * Passkeys (WebAuthn, @simplewebauthn/server; docs/api.md, "Passkeys"): registered from the
 * account page after the password, listed and removed there; signing in with one is
 * username-less (a discoverable credential) and counts as both factors (the authenticator
 * verified its user), so no second step follows.
 */
import type { AuthenticationResponseJSON, AuthenticatorTransport, RegistrationResponseJSON } from '@simplewebauthn/server';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-env';
import { confirmPassword } from '../account/confirm-password';
import { LoginAttempt } from '../auth/login-limits';
import { requireUser } from '../auth/require-user';
import { signIn, signInQuery } from '../auth/sign-in';
import { findUserById, publicUser } from '../auth/users';
import { readConfig } from '../../durable-objects/shared/env';
import { HttpError, notFound, unauthorized } from '../http/errors';
import { clientAddress, enforceRateLimit } from '../http/rate-limit';
import { parseWith, readJson, readQuery } from '../http/validate';
import { challengeOf, storeChallenge, takeChallenge } from './challenges';
import { addPasskey, findPasskey, listPasskeys, recordPasskeyUse, removePasskey } from './passkey-store';
import { relyingParty } from './relying-party';

// Loaded on first use: the WebAuthn library (CBOR, ASN.1, COSE) stays out of the Worker's startup.
const webauthn = () => import('@simplewebauthn/server');
const base64url = async () => (await import('@simplewebauthn/server/helpers')).isoBase64URL;

export const passkeyRoutes = new Hono<AppEnv>();
passkeyRoutes.use('/account/passkeys', requireUser);
passkeyRoutes.use('/account/passkeys/*', requireUser);

const b64url = z.string().max(8192).regex(/^[A-Za-z0-9_-]*={0,2}$/, 'not base64url');
const credentialBase = { id: b64url.min(1).max(1024), rawId: b64url, type: z.literal('public-key'), clientExtensionResults: z.looseObject({}).default({}), authenticatorAttachment: z.string().max(32).optional() };
const registrationResponse = z.looseObject({
  ...credentialBase,
  response: z.looseObject({ clientDataJSON: b64url, attestationObject: b64url, transports: z.array(z.string().max(32)).max(10).optional() }),
});
const authenticationResponse = z.looseObject({
  ...credentialBase,
  response: z.looseObject({ clientDataJSON: b64url, authenticatorData: b64url, signature: b64url, userHandle: b64url.optional() }),
});

const refused = (message: string) => new HttpError(400, 'passkey_refused', message);

passkeyRoutes.get('/account/passkeys', async (c) => {
  const rows = await listPasskeys(c.var.db(), c.var.user.userId);
  return c.json({ passkeys: rows.map((p) => ({ id: p.id, name: p.name, createdAt: p.createdAt.toISOString(), lastUsedAt: p.lastUsedAt?.toISOString() ?? null })) });
});

/** Options for navigator.credentials.create, after the password (a stolen token alone cannot add a passkey). */
passkeyRoutes.post('/account/passkeys/options', async (c) => {
  const { password } = await readJson(c, z.strictObject({ password: z.string({ error: 'password is required' }).min(1).max(1024) }));
  const db = c.var.db();
  const user = await findUserById(db, c.var.user.userId);
  if (!user) throw notFound('user no longer exists');
  await confirmPassword(c, password, user.passwordHash);
  const rp = relyingParty(c);
  const existing = await listPasskeys(db, user.id);
  const { generateRegistrationOptions } = await webauthn();
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.username,
    userDisplayName: user.displayName,
    userID: new Uint8Array(new TextEncoder().encode(user.id)),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports as AuthenticatorTransport[] })),
    // Discoverable (username-less sign-in) and user-verifying (it counts as both factors).
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  await storeChallenge(db, options.challenge, 'register', user.id);
  return c.json({ options });
});

passkeyRoutes.post('/account/passkeys', async (c) => {
  const body = await readJson(c, z.strictObject({ response: registrationResponse, name: z.string().trim().min(1).max(64).optional() }));
  const { userId } = c.var.user;
  const db = c.var.db();
  const challenge = challengeOf(body.response.response.clientDataJSON);
  if (!challenge || !(await takeChallenge(db, challenge, 'register', userId))) throw refused('this passkey request expired or was already used; try again');
  const rp = relyingParty(c);
  const { verifyRegistrationResponse } = await webauthn();
  const result = await verifyRegistrationResponse({
    response: body.response as unknown as RegistrationResponseJSON,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    requireUserVerification: true,
  }).catch(() => ({ verified: false as const }));
  if (!result.verified) throw refused('the passkey could not be verified');
  const { credential } = result.registrationInfo;
  if (await findPasskey(db, credential.id)) throw new HttpError(409, 'conflict', 'this passkey is already registered');
  const row = await addPasskey(db, {
    id: credential.id,
    userId,
    publicKey: (await base64url()).fromBuffer(credential.publicKey),
    counter: credential.counter,
    transports: credential.transports ?? [],
    name: body.name ?? 'Passkey',
  });
  return c.json({ passkey: { id: row.id, name: row.name, createdAt: row.createdAt.toISOString(), lastUsedAt: null } }, 201);
});

passkeyRoutes.delete('/account/passkeys/:id', async (c) => {
  const id = parseWith(b64url.min(1).max(1024), c.req.param('id'));
  if (!(await removePasskey(c.var.db(), c.var.user.userId, id))) throw notFound('no such passkey of yours');
  return c.body(null, 204);
});

/** Options for navigator.credentials.get: no user named (the authenticator offers its passkeys for this site). */
passkeyRoutes.post('/auth/passkey/options', async (c) => {
  await enforceRateLimit(c, `passkey-options:${clientAddress(c)}`, readConfig(c.env).LOGIN_RATE_LIMIT, 'passkey sign-ins from this address');
  const { generateAuthenticationOptions } = await webauthn();
  const options = await generateAuthenticationOptions({ rpID: relyingParty(c).id, userVerification: 'required' });
  await storeChallenge(c.var.db(), options.challenge, 'sign-in', null);
  return c.json({ options });
});

passkeyRoutes.post('/auth/passkey', async (c) => {
  const { context } = readQuery(c, signInQuery);
  const { response } = await readJson(c, z.strictObject({ response: authenticationResponse }));
  const config = readConfig(c.env);
  const attempt = new LoginAttempt(c, config);
  await attempt.fromAddress();
  const db = c.var.db();
  const challenge = challengeOf(response.response.clientDataJSON);
  if (!challenge || !(await takeChallenge(db, challenge, 'sign-in', null))) throw unauthorized('this passkey sign-in expired or was already used; try again');
  const passkey = await findPasskey(db, response.id);
  if (!passkey) throw unauthorized('this passkey is not registered here (it may have been removed)');
  await attempt.forAccount(passkey.userId, passkey.userId);
  const rp = relyingParty(c);
  const { verifyAuthenticationResponse } = await webauthn();
  const isoBase64URL = await base64url();
  const result = await verifyAuthenticationResponse({
    response: response as unknown as AuthenticationResponseJSON,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    requireUserVerification: true,
    credential: {
      id: passkey.id,
      publicKey: isoBase64URL.toBuffer(passkey.publicKey),
      counter: passkey.counter,
      transports: passkey.transports as AuthenticatorTransport[],
    },
  }).catch(() => ({ verified: false as const, authenticationInfo: undefined }));
  if (!result.verified || !result.authenticationInfo) throw unauthorized('the passkey could not be verified');
  const user = await findUserById(db, passkey.userId);
  if (!user) throw unauthorized('this passkey is not registered here (it may have been removed)');
  await recordPasskeyUse(db, passkey.id, result.authenticationInfo.newCounter);
  await attempt.succeeded(user.id);
  return c.json(await signIn(c, publicUser(user), context));
});
