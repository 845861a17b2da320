/** zod at the REST boundary: a body or query that does not parse is a 400 with the reasons. */
import type { Context } from 'hono';
import { z } from 'zod';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../../durable-objects/protocol';
import { badRequest } from './errors';

const MAX_JSON_BODY_BYTES = 16 * 1024;

export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > MAX_JSON_BODY_BYTES) throw badRequest(`body exceeds ${MAX_JSON_BODY_BYTES} bytes`);
  const text = await c.req.text();
  if (text.length > MAX_JSON_BODY_BYTES) throw badRequest(`body exceeds ${MAX_JSON_BODY_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badRequest('body is not valid JSON');
  }
  return parseWith(schema, json);
}

export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query());
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  if (hasUnstorableText(value)) throw badRequest(UNSTORABLE_TEXT_MESSAGE);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw badRequest(z.prettifyError(parsed.error), z.flattenError(parsed.error as z.ZodError<unknown>).fieldErrors);
  }
  return parsed.data;
}

export const uuidParam = z.uuid({ error: 'not a valid id' });

/** Any string in a parsed body or query that Postgres could not store (see protocol.ts). */
function hasUnstorableText(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return !isStorableText(value);
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, v]) => !isStorableText(key) || hasUnstorableText(v, depth + 1));
}
