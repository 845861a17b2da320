/**
 * Who in the room may see what of whom, from memory: blocks (block-list.ts) and the
 * members' privacy settings (member-privacy.ts) together. The broadcast sites ask it
 * for the audience of a presence or read frame, `ready`/`members` for each viewer's
 * view of the members, and a settings change for the frames that make open sockets
 * follow it without reconnecting.
 */
import type { MemberState, ServerFrame } from '../protocol';
import { sendFrame, type HibernatingSockets } from '../shared/sockets';
import type { MemberPrivacy } from '../shared/privacy';
import type { RoomBlockList } from './block-list';
import type { CachedMember, RoomLocalState } from './local-state';
import type { RoomMemberPrivacy } from './member-privacy';

export class RoomAudience {
  constructor(
    private readonly blocks: RoomBlockList,
    private readonly privacy: RoomMemberPrivacy,
    private readonly local: RoomLocalState,
    private readonly sockets: HibernatingSockets,
  ) {}

  /** Who may be told that `subjectId` came online or went offline. */
  presence(subjectId: string): (viewerId: string) => boolean {
    const hidden = this.blocks.separatedFrom(subjectId);
    return (viewerId) => !hidden.has(viewerId) && this.privacy.presenceVisible(subjectId, viewerId);
  }

  /** Who may be told that `subjectId` read up to a message. */
  receipts(subjectId: string): (viewerId: string) => boolean {
    const hidden = this.blocks.separatedFrom(subjectId);
    return (viewerId) => !hidden.has(viewerId) && this.privacy.receiptsVisible(subjectId, viewerId);
  }

  /** True when nobody's view differs from anyone else's: one `members` frame for all. */
  get uniform(): boolean {
    return this.blocks.none && this.privacy.open(this.local.members().map((m) => m.userId));
  }

  /** The members as `viewerId` may see them: hidden presence is never online, hidden receipts have read nothing. */
  members(online: ReadonlySet<string>, viewerId?: string): MemberState[] {
    return this.local.members().map((m) => this.member(m, online, viewerId));
  }

  private member(m: CachedMember, online: ReadonlySet<string>, viewerId?: string): MemberState {
    if (!viewerId) return { ...m, online: online.has(m.userId) };
    if (this.blocks.separated(m.userId, viewerId)) return { ...m, online: false, lastReadSeq: 0 };
    return {
      ...m,
      online: online.has(m.userId) && this.privacy.presenceVisible(m.userId, viewerId),
      lastReadSeq: this.privacy.receiptsVisible(m.userId, viewerId) ? m.lastReadSeq : 0,
    };
  }

  /**
   * `userId` changed their settings: applies them and tells open sockets what changed
   * for each pair with them (both ways: the rules are reciprocal). Hidden presence turns
   * offline; presence shown again comes with its current state, and receipts shown again
   * with the current read cursor. Receipts already shown stay shown (nothing retracts them).
   */
  apply(userId: string, settings: MemberPrivacy): void {
    const others = this.local.members().filter((m) => m.userId !== userId && !m.deleted && !this.blocks.separated(m.userId, userId));
    const before = others.map((m) => ({ presence: this.privacy.presenceVisible(userId, m.userId), receipts: this.privacy.receiptsVisible(userId, m.userId) }));
    this.privacy.set(userId, settings);
    const online = this.sockets.onlineUserIds();
    others.forEach((m, i) => {
      const presence = this.privacy.presenceVisible(userId, m.userId);
      if (presence !== before[i]!.presence) {
        this.tell(m.userId, { type: 'presence', userId, online: presence && online.has(userId) });
        this.tell(userId, { type: 'presence', userId: m.userId, online: presence && online.has(m.userId) });
      }
      if (!before[i]!.receipts && this.privacy.receiptsVisible(userId, m.userId)) {
        this.tell(m.userId, { type: 'read', userId, seq: this.local.lastReadOf(userId) });
        this.tell(userId, { type: 'read', userId: m.userId, seq: this.local.lastReadOf(m.userId) });
      }
    });
  }

  private tell(viewerId: string, frame: ServerFrame): void {
    for (const ws of this.sockets.socketsOf(viewerId)) sendFrame(ws, frame);
  }
}
