/**
 * A VAPID key pair (RFC 8292: ECDSA P-256) in the form the app reads: the public key as the
 * uncompressed point and the private key as its scalar, both base64url. For `npm start`'s
 * local .dev.vars and the tests; production makes its own (docs/deploy.md).
 */
import { generateKeyPairSync } from 'node:crypto';

export interface VapidKeyPair {
  publicKey: string;
  privateKey: string;
}

export function generateVapidKeys(): VapidKeyPair {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const jwk = privateKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  return { publicKey: point.toString('base64url'), privateKey: jwk.d! };
}
