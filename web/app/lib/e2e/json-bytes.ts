/** What a sealed message carries: JSON checked by a zod schema, as UTF-8 bytes. */
import type { z } from 'zod';
import { utf8 } from './bytes';

export function encodeJson<S extends z.ZodType>(schema: S, value: z.infer<S>): Uint8Array {
  return utf8.encode(JSON.stringify(schema.parse(value)));
}

/** The value, or undefined when the bytes are not one (a sender's bug, a newer version, another kind). */
export function decodeJson<S extends z.ZodType>(schema: S, bytes: Uint8Array): z.infer<S> | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(utf8.decode(bytes)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
