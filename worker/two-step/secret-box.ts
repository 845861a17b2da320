/**
 * TOTP secrets at rest: AES-256-GCM (Web Crypto) under a key derived with HKDF from
 * JWT_SECRET, bound to the user's id as associated data (a sealed secret copied onto another
 * row does not open). A database dump alone yields no second factor. During a JWT_SECRET
 * rotation a secret sealed with JWT_SECRET_PREVIOUS still opens, and is sealed again with the
 * current key on its next use (`resealed`).
 */
const enc = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle
      .importKey('raw', enc.encode(secret), 'HKDF', false, ['deriveKey'])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: 'HKDF', hash: 'SHA-256', salt: enc.encode('edge-chat'), info: enc.encode('totp-secret-v1') },
          base,
          { name: 'AES-GCM', length: 256 },
          false,
          ['encrypt', 'decrypt'],
        ),
      );
    keys.set(secret, key);
  }
  return key;
}

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

export async function seal(plaintext: string, userId: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: enc.encode(userId) }, await keyFor(secret), enc.encode(plaintext));
  return `v1.${b64(iv)}.${b64(new Uint8Array(sealed))}`;
}

/** The plaintext, and whether it was sealed with an older key (then seal it again). */
export async function open(sealed: string, userId: string, secrets: (string | undefined)[]): Promise<{ plaintext: string; resealed: boolean }> {
  const [version, iv, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !data) throw new Error('not a sealed secret');
  for (const [i, secret] of secrets.entries()) {
    if (!secret) continue;
    try {
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unb64(iv), additionalData: enc.encode(userId) }, await keyFor(secret), unb64(data));
      return { plaintext: new TextDecoder().decode(plain), resealed: i > 0 };
    } catch {
      // try the next key
    }
  }
  throw new Error('the sealed secret opens with no configured key');
}
