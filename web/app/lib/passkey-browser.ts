/**
 * The WebAuthn ceremonies in the browser through @simplewebauthn/browser, loaded on first
 * use so pages without a passkey button do not carry it.
 */
import { api, type Passkey, type Session } from '../services/api';

const browser = () => import('@simplewebauthn/browser');

export async function passkeysSupported(): Promise<boolean> {
  return (await browser()).browserSupportsWebAuthn();
}

/** Username-less sign-in: the authenticator offers the passkeys it holds for this site. */
export async function signInWithPasskey(embedded = false): Promise<Session> {
  const { startAuthentication } = await browser();
  const { options } = await api.passkeySignInOptions();
  const response = await startAuthentication({ optionsJSON: options as Parameters<typeof startAuthentication>[0]['optionsJSON'] });
  return api.passkeySignIn(response, embedded);
}

export async function registerPasskey(password: string, name: string): Promise<Passkey> {
  const { startRegistration } = await browser();
  const { options } = await api.passkeyOptions(password);
  const response = await startRegistration({ optionsJSON: options as Parameters<typeof startRegistration>[0]['optionsJSON'] });
  return (await api.addPasskey(response, name)).passkey;
}

/** A message for a ceremony the person cancelled or the browser refused. */
export function passkeyErrorMessage(err: unknown): string | null {
  if (err instanceof Error && (err.name === 'NotAllowedError' || err.name === 'AbortError')) return 'The passkey request was cancelled or timed out.';
  if (err instanceof Error && err.name === 'InvalidStateError') return 'This device already holds a passkey for your account.';
  return null;
}
