/**
 * Privacy settings and the rules that apply them, shared by the Worker, the room and
 * inbox objects and the web app, so that every place presence or receipts leave the
 * server decides the same way (docs/api.md, "Privacy").
 *
 * "My contacts": the people I have a direct chat with in which both of us have written
 * (a conversation, not only a request) and neither blocks the other. It is symmetric.
 */
import { z } from 'zod';

export const AUDIENCES = ['everyone', 'contacts', 'nobody'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const privacySettingsSchema = z.strictObject({
  /** Who sees my last seen time and whether I am online. */
  lastSeen: z.enum(AUDIENCES, { error: 'lastSeen must be everyone, contacts or nobody' }),
  /** Whether I send (and so receive) read receipts. */
  readReceipts: z.boolean({ error: 'readReceipts must be true or false' }),
  /** Who may add me to a group. */
  groupAdd: z.enum(AUDIENCES, { error: 'groupAdd must be everyone, contacts or nobody' }),
});
export type PrivacySettings = z.infer<typeof privacySettingsSchema>;

export const DEFAULT_PRIVACY: PrivacySettings = { lastSeen: 'everyone', readReceipts: true, groupAdd: 'everyone' };

/** What a room needs of a member's settings (who may add them is the Worker's business). */
export type MemberPrivacy = Pick<PrivacySettings, 'lastSeen' | 'readReceipts'>;

/** Does `audience` include someone who is (or is not) my contact? */
export function admits(audience: Audience, contact: boolean): boolean {
  return audience === 'everyone' || (audience === 'contacts' && contact);
}

/**
 * May two people see each other's last seen and online? Reciprocal, as WhatsApp does:
 * only when each one's setting admits the other. If I hide mine from you, I cannot see
 * yours either. The same answer both ways, so a pair is simply visible or not.
 */
export function presenceShared(a: Audience, b: Audience, contacts: boolean): boolean {
  return admits(a, contacts) && admits(b, contacts);
}

/** Read receipts between two people flow only when both have them on (also reciprocal). */
export function receiptsShared(a: boolean, b: boolean): boolean {
  return a && b;
}

/** The settings a room or inbox must assume for someone it has not learned yet: hide everything. */
export const UNKNOWN_MEMBER_PRIVACY: MemberPrivacy = { lastSeen: 'nobody', readReceipts: false };
