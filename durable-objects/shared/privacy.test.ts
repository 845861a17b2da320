import { describe, expect, it } from 'vitest';
import { admits, presenceShared, privacySettingsSchema, receiptsShared } from './privacy';

describe('privacy rules', () => {
  it('admits by audience and contact', () => {
    expect(admits('everyone', false)).toBe(true);
    expect(admits('contacts', true)).toBe(true);
    expect(admits('contacts', false)).toBe(false);
    expect(admits('nobody', true)).toBe(false);
  });

  it('shares presence only when both settings admit the other', () => {
    expect(presenceShared('everyone', 'everyone', false)).toBe(true);
    // I hide mine from you: I do not see yours either.
    expect(presenceShared('nobody', 'everyone', true)).toBe(false);
    expect(presenceShared('everyone', 'nobody', true)).toBe(false);
    expect(presenceShared('contacts', 'everyone', false)).toBe(false);
    expect(presenceShared('contacts', 'contacts', true)).toBe(true);
  });

  it('shares receipts only when both have them on', () => {
    expect(receiptsShared(true, true)).toBe(true);
    expect(receiptsShared(false, true)).toBe(false);
    expect(receiptsShared(true, false)).toBe(false);
  });

  it('validates settings strictly', () => {
    expect(privacySettingsSchema.safeParse({ lastSeen: 'contacts', readReceipts: false, groupAdd: 'nobody' }).success).toBe(true);
    expect(privacySettingsSchema.safeParse({ lastSeen: 'friends', readReceipts: false, groupAdd: 'nobody' }).success).toBe(false);
    expect(privacySettingsSchema.safeParse({ lastSeen: 'everyone', readReceipts: 'yes', groupAdd: 'nobody' }).success).toBe(false);
    expect(privacySettingsSchema.safeParse({ lastSeen: 'everyone', readReceipts: true, groupAdd: 'nobody', x: 1 }).success).toBe(false);
  });
});
