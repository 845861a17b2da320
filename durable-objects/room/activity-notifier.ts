/**
 * Tells members who do not have this room open that something happened in it,
 * through their inbox objects, so their conversation list and unread counts
 * move. Notifications are coalesced: at most one per member per window carries
 * the newest message, however busy the room is. A thread reply is not a message of
 * the main timeline: it goes only to its thread's audience (who took part, who is
 * mentioned), each member told of the newest reply of each thread that was for them, with
 * how many of the window's replies were for them: audiences differ reply by reply (a mention).
 */
import type { WireMessage } from '../protocol';
import type { UserInbox } from '../inbox/user-inbox';
import { logFailure } from '../shared/log-failure';

const COALESCE_MS = 250;

/**
 * The messages of one window that a notice stands for, by sender: the skipped ones count as
 * unread too, except for whoever sent them. System messages never count (as in the app).
 */
class WindowCount {
  private total = 0;
  private readonly bySender = new Map<string, number>();

  add(message: WireMessage): void {
    if (message.type === 'system') return;
    this.total++;
    if (message.senderId) this.bySender.set(message.senderId, (this.bySender.get(message.senderId) ?? 0) + 1);
  }

  for(userId: string): number {
    return this.total - (this.bySender.get(userId) ?? 0);
  }
}

interface Notice {
  message: WireMessage;
  /** Who hears of it, and how many messages it stands for, for each. */
  to: { userId: string; count: number }[];
}

/** The replies of one thread in one window, each with who hears of it. */
class ThreadWindow {
  private readonly replies: { message: WireMessage; audience: ReadonlySet<string> }[] = [];

  add(message: WireMessage, audience: ReadonlySet<string>): void {
    this.replies.push({ message, audience });
  }

  /**
   * For each of `absent` that a reply was for (not its sender, nor someone `hiddenFrom` it):
   * the newest such reply, and how many.
   */
  notices(absent: string[], hiddenFrom: (senderId: string) => ReadonlySet<string>): Notice[] {
    const byReply = new Map<WireMessage, Notice>();
    const forUser = (userId: string, m: WireMessage) => m.senderId !== userId && !(m.senderId && hiddenFrom(m.senderId).has(userId));
    for (const userId of absent) {
      const forThem = this.replies.filter((r) => r.audience.has(userId) && forUser(userId, r.message)).map((r) => r.message);
      const newest = forThem.reduce<WireMessage | undefined>((a, m) => (!a || m.seq > a.seq ? m : a), undefined);
      if (!newest) continue;
      const notice = byReply.get(newest) ?? { message: newest, to: [] };
      notice.to.push({ userId, count: forThem.filter((m) => m.type !== 'system').length });
      byReply.set(newest, notice);
    }
    return [...byReply.values()];
  }
}

export class ActivityNotifier {
  private newest?: { message: WireMessage; count: WindowCount };
  /** This window's replies, by thread root. */
  private threadReplies = new Map<number, ThreadWindow>();
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly inboxes: DurableObjectNamespace<UserInbox>,
    /** Members never told of a sender's messages (a block either way: room/block-list.ts). */
    private readonly hiddenFrom: (senderId: string) => ReadonlySet<string> = () => new Set(),
  ) {}

  noteMessage(message: WireMessage): void {
    const count = this.newest?.count ?? new WindowCount();
    count.add(message);
    if (!this.newest || message.seq > this.newest.message.seq) this.newest = { message, count };
  }

  /** A thread reply, for `audience` only (its sender never hears of their own reply). */
  noteThreadReply(message: WireMessage, audience: ReadonlySet<string>): void {
    const rootSeq = message.threadRootSeq!;
    const thread = this.threadReplies.get(rootSeq) ?? new ThreadWindow();
    thread.add(message, audience);
    this.threadReplies.set(rootSeq, thread);
  }

  /** `recipients` is asked when the window closes, so it sees who is live then. */
  schedule(recipients: () => string[]): void {
    if ((!this.newest && this.threadReplies.size === 0) || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const absent = recipients();
      const notices: Notice[] = [];
      if (this.newest) {
        const { message, count } = this.newest;
        notices.push({ message, to: absent.map((userId) => ({ userId, count: count.for(userId) })) });
      }
      for (const thread of this.threadReplies.values()) notices.push(...thread.notices(absent, this.hiddenFrom));
      this.newest = undefined;
      this.threadReplies.clear();
      // In seq order: the app takes a notice older than one it has as already counted.
      for (const notice of notices.sort((a, b) => a.message.seq - b.message.seq)) this.tell(notice);
    }, COALESCE_MS);
  }

  private tell({ message, to }: Notice): void {
    const hidden = message.senderId ? this.hiddenFrom(message.senderId) : undefined;
    for (const { userId, count } of to) {
      if (hidden?.has(userId)) continue;
      const inbox = this.inboxes.get(this.inboxes.idFromName(userId));
      inbox.roomActivity(message, userId, count).catch((err: unknown) => logFailure('inbox notification failed', err, { room: message.roomId, seq: message.seq }));
    }
  }
}
