/**
 * The fast path must agree with the zod schema: never accept what the schema
 * refuses, and return the same value for what it takes. Checked over many
 * generated frames, valid, invalid and malformed (a seeded generator, so a
 * failure reproduces).
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fastClientFrame, parseClientFrameFast } from './protocol-fast-path';
import { MAX_MESSAGE_CHARS, clientFrameSchema, parseClientFrame } from './protocol';

/** mulberry32: small, seeded, good enough to pick test cases. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const strings = [
  '',
  ' ',
  'hello',
  '  padded  ',
  '\t\n',
  'a'.repeat(MAX_MESSAGE_CHARS),
  'a'.repeat(MAX_MESSAGE_CHARS + 1),
  ` ${'b'.repeat(MAX_MESSAGE_CHARS)} `,
  'nul\u0000inside',
  'lone \ud800 surrogate',
  'pair 😀 ok',
  '\u00a0nbsp\u00a0',
  '\u2028line sep',
  'ok_id-1',
  'bad id',
  'x'.repeat(64),
  'x'.repeat(65),
  'émoji',
  '3f2a1c4e-0000-4000-8000-000000000001',
  'not-a-uuid',
  '1',
];
const numbers = [0, -0, 1, 2, -1, 1.5, 42, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 1e300, -1e300, 0.1];
const types = ['send', 'typing', 'read', 'received', 'edit', 'delete', 'react', 'call_start', 'ping', 'Send', '', 'toString', '__proto__'];
const keys = ['clientId', 'content', 'replyToSeq', 'threadRootSeq', 'attachmentId', 'albumId', 'linkPreviewUrl', 'seq', 'active', 'emoji', 'on', 'senderId', 'extra', '__proto__', 'constructor'];

function anyValue(next: () => number, depth = 0): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  switch (Math.floor(next() * (depth > 1 ? 6 : 8))) {
    case 0:
    case 1:
      return pick(strings);
    case 2:
    case 3:
      return pick(numbers);
    case 4:
      return pick([true, false]);
    case 5:
      return null;
    case 6:
      return [anyValue(next, depth + 1)];
    default:
      return { [pick(keys)]: anyValue(next, depth + 1) };
  }
}

/** A frame likely to be valid for its type, then bent at random: fields dropped, replaced, added. */
function generatedFrame(next: () => number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const type = next() < 0.85 ? pick(['send', 'typing', 'read', 'received'] as const) : pick(types);
  const base: Record<string, unknown> = { type };
  if (type === 'send') {
    base.clientId = next() < 0.8 ? `c${Math.floor(next() * 1e6)}` : pick(strings);
    base.content = next() < 0.7 ? `message ${Math.floor(next() * 1000)}` : pick(strings);
    if (next() < 0.3) base.replyToSeq = pick(numbers);
    if (next() < 0.3) base.threadRootSeq = pick(numbers);
    if (next() < 0.1) base.attachmentId = pick(strings);
    if (next() < 0.1) base.albumId = next() < 0.5 ? '3f2a1c4e-0000-4000-8000-000000000002' : pick(strings);
    if (next() < 0.1) base.linkPreviewUrl = next() < 0.5 ? 'https://example.com/a' : pick(strings);
  } else if (type === 'typing') {
    base.active = next() < 0.8 ? next() < 0.5 : anyValue(next);
  } else {
    base.seq = next() < 0.8 ? Math.floor(next() * 1000) : pick(numbers);
  }
  const bends = Math.floor(next() * 3);
  for (let i = 0; i < bends; i++) {
    const roll = next();
    if (roll < 0.3) delete base[pick(Object.keys(base))];
    else if (roll < 0.7) base[pick(keys)] = anyValue(next);
    else base[pick(Object.keys(base))] = anyValue(next);
  }
  return next() < 0.03 ? pick([[base], null, 'text', 7, true]) : base;
}

function malformed(next: () => number, valid: string): string {
  const cut = Math.floor(next() * valid.length);
  const choices = [valid.slice(0, cut), `${valid}x`, valid.replace(':', ''), `[${valid}]`, ` ${valid} `, valid.replace('"', "'")];
  return choices[Math.floor(next() * choices.length)]!;
}

describe('parseClientFrameFast', () => {
  it('gives exactly what the zod schema gives, over 20,000 generated frames', { timeout: 120_000 }, () => {
    const FRAMES = 20_000;
    const next = random(18);
    let fastTaken = 0;
    let accepted = 0;
    for (let i = 0; i < FRAMES; i++) {
      const frame = generatedFrame(next);
      const raw = next() < 0.1 ? malformed(next, JSON.stringify(frame)) : JSON.stringify(frame);
      if (raw === undefined) continue;
      const fast = parseClientFrameFast(raw);
      const slow = parseClientFrame(raw);
      // expect() only on a difference: twenty thousand of them cost more than the parsing.
      if (!isDeepStrictEqual(fast, slow)) expect(fast, raw).toStrictEqual(slow);
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        continue;
      }
      const direct = fastClientFrame(json);
      if (direct) {
        fastTaken += 1;
        // The fast path never accepts what zod refuses, and returns the same value.
        const zod = clientFrameSchema.safeParse(json);
        if (!zod.success || !isDeepStrictEqual(direct, zod.data)) expect({ raw, direct }).toStrictEqual({ raw, direct: zod.data });
      }
      if (slow.ok) accepted += 1;
    }
    // The generator exercises both sides: many frames take the fast path, many are refused.
    expect(fastTaken).toBeGreaterThan(FRAMES * 0.3);
    expect(accepted).toBeGreaterThan(fastTaken);
    expect(FRAMES - accepted).toBeGreaterThan(FRAMES * 0.2);
  });

  it('takes the everyday frames without the schema, and leaves the rest to it', () => {
    expect(fastClientFrame({ type: 'send', clientId: 'a1', content: ' hi ', senderId: 'x' })).toStrictEqual({
      type: 'send',
      clientId: 'a1',
      content: 'hi',
    });
    expect(fastClientFrame({ type: 'send', clientId: 'a1', content: 'in a thread', threadRootSeq: 7 })).toStrictEqual({
      type: 'send',
      clientId: 'a1',
      content: 'in a thread',
      threadRootSeq: 7,
    });
    expect(fastClientFrame({ type: 'send', clientId: 'a1', content: 'x', threadRootSeq: 0 })).toBeUndefined();
    expect(fastClientFrame({ type: 'read', seq: 3 })).toStrictEqual({ type: 'read', seq: 3 });
    expect(fastClientFrame({ type: 'typing', active: true })).toStrictEqual({ type: 'typing', active: true });
    expect(fastClientFrame({ type: 'received', seq: 0 })).toStrictEqual({ type: 'received', seq: 0 });
    // Attachments, empty text and non-hot frames go to zod.
    expect(fastClientFrame({ type: 'send', clientId: 'a1', content: '', attachmentId: '3f2a1c4e-0000-4000-8000-000000000001' })).toBeUndefined();
    expect(fastClientFrame({ type: 'send', clientId: 'a1', content: '   ' })).toBeUndefined();
    // An album names a file: a text with an albumId is the schema's to refuse, not the fast path's to accept.
    expect(fastClientFrame({ type: 'send', clientId: 'a1', content: 'hi', albumId: '3f2a1c4e-0000-4000-8000-000000000002' })).toBeUndefined();
    expect(fastClientFrame({ type: 'edit', seq: 1, content: 'x' })).toBeUndefined();
    expect(parseClientFrameFast('{"type":"send","clientId":"bad id","content":"x"}')).toMatchObject({
      ok: false,
      error: { code: 'bad_frame', message: expect.stringContaining('clientId') },
    });
  });
});
