/**
 * What a secret message says once opened, and the encryption of its file: a random
 * AES-256-GCM key and IV per file (Web Crypto), which travel only inside the sealed
 * message. The server gets the encrypted bytes (an upload with sealed=1) under a neutral name and type.
 */
import { z } from 'zod';
import { fromBase64Url, toBase64Url } from './bytes';
import { decodeJson, encodeJson } from './json-bytes';

const b64 = z.string().regex(/^[A-Za-z0-9_-]*$/).max(100);

export const secretFileSchema = z.object({
  /** The upload's id in the room (its bytes are ciphertext). */
  id: z.string().max(64),
  key: b64,
  iv: b64,
  name: z.string().max(255),
  type: z.string().max(127),
  size: z.int().min(0),
  width: z.int().min(0).nullable().optional(),
  height: z.int().min(0).nullable().optional(),
});
export type SecretFile = z.infer<typeof secretFileSchema>;

export const secretPayloadSchema = z.object({ text: z.string().max(4000), file: secretFileSchema.optional() });
export type SecretPayload = z.infer<typeof secretPayloadSchema>;

export function encodePayload(payload: SecretPayload): Uint8Array {
  return encodeJson(secretPayloadSchema, payload);
}

/** The opened payload, or undefined when it is not one (a sender's bug or a newer version). */
export function decodePayload(bytes: Uint8Array): SecretPayload | undefined {
  return decodeJson(secretPayloadSchema, bytes);
}

export async function encryptFile(bytes: Uint8Array): Promise<{ ciphertext: Uint8Array; key: string; iv: string }> {
  const subtle = globalThis.crypto.subtle;
  const key = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt']);
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv }, key, bytes as BufferSource));
  return { ciphertext, key: toBase64Url(new Uint8Array(await subtle.exportKey('raw', key))), iv: toBase64Url(iv) };
}

/** Throws when the bytes were altered or the key is not theirs. */
export async function decryptFile(ciphertext: Uint8Array, file: Pick<SecretFile, 'key' | 'iv'>): Promise<Uint8Array> {
  const subtle = globalThis.crypto.subtle;
  const key = await subtle.importKey('raw', fromBase64Url(file.key) as BufferSource, { name: 'AES-GCM' }, false, ['decrypt']);
  return new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: fromBase64Url(file.iv) as BufferSource }, key, ciphertext as BufferSource));
}
