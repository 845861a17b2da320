/**
 * Tells members who do not have this room open that something happened in it,
 * through their inbox objects, so their conversation list and unread counts
 * move. Notifications are coalesced: at most one per member per window carries
 * the newest message they may see, however busy the room is. A thread reply is not a message of
 * the main timeline: it goes only to its thread's audience (who took part, who is
 * mentioned), each member told of the newest reply of each thread that was for them, with
 * how many of the window's replies were for them: audiences differ reply by reply (a mention).
 */
import type { WireMessage } from '../protocol';
import type { UserInbox } from '../inbox/user-inbox';
import { logFailure } from '../shared/log-failure';

const COALESCE_MS = 250;

interface Notice {
  message: WireMessage;
  /** Who hears of it, and how many messages it stands for, for each. */
  to: { userId: string; count: number }[];
}

/** The newest of some messages, and how many of them count as unread (system lines never do), by sender. */
class Tally {
  newest?: WireMessage;
  private total = 0;
  private readonly bySender = new Map<string, number>();

  constructor(messages: Iterable<WireMessage>) {
    for (const m of messages) {
      if (!this.newest || m.seq > this.newest.seq) this.newest = m;
      if (m.type === 'system') continue;
      this.total++;
      if (m.senderId) this.bySender.set(m.senderId, (this.bySender.get(m.senderId) ?? 0) + 1);
    }
  }

  /** Unread for `userId`: what others sent. */
  countFor(userId: string): number {
    return this.total - (this.bySender.get(userId) ?? 0);
  }
}

/** One notice per message: each of `absent` is told of the newest message of their tally, with its count. */
function noticesOfNewest(absent: string[], tallyFor: (userId: string) => Tally): Notice[] {
  const byMessage = new Map<WireMessage, Notice>();
  for (const userId of absent) {
    const tally = tallyFor(userId);
    if (!tally.newest) continue;
    const notice = byMessage.get(tally.newest) ?? { message: tally.newest, to: [] };
    notice.to.push({ userId, count: tally.countFor(userId) });
    byMessage.set(tally.newest, notice);
  }
  return [...byMessage.values()];
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
    const forUser = (userId: string, m: WireMessage) => m.senderId !== userId && !(m.senderId && hiddenFrom(m.senderId).has(userId));
    return noticesOfNewest(absent, (userId) => new Tally(this.replies.filter((r) => r.audience.has(userId) && forUser(userId, r.message)).map((r) => r.message)));
  }
}

/**
 * The main timeline's messages of one window. Every member hears of the newest (their own
 * included, so their other devices' lists move), counting what others sent, except that a
 * member hidden from a sender neither hears of nor counts that sender's messages: the newest
 * message they are told of is the newest they may see.
 */
class TimelineWindow {
  private readonly messages: WireMessage[] = [];

  add(message: WireMessage): void {
    this.messages.push(message);
  }

  get isEmpty(): boolean {
    return this.messages.length === 0;
  }

  notices(absent: string[], hiddenFrom: (senderId: string) => ReadonlySet<string>): Notice[] {
    const hiders = new Map<string, ReadonlySet<string>>();
    for (const m of this.messages) if (m.senderId && !hiders.has(m.senderId)) hiders.set(m.senderId, hiddenFrom(m.senderId));
    // Usually nobody is hidden from anyone here: one tally serves everyone else.
    const hiddenSomewhere = new Set([...hiders.values()].flatMap((set) => [...set]));
    const everyone = new Tally(this.messages);
    return noticesOfNewest(absent, (userId) =>
      hiddenSomewhere.has(userId) ? new Tally(this.messages.filter((m) => !(m.senderId && hiders.get(m.senderId)!.has(userId)))) : everyone,
    );
  }
}

export class ActivityNotifier {
  private timeline = new TimelineWindow();
  /** This window's replies, by thread root. */
  private threadReplies = new Map<number, ThreadWindow>();
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly inboxes: DurableObjectNamespace<UserInbox>,
    /** Members never told of a sender's messages (a block either way: room/block-list.ts). */
    private readonly hiddenFrom: (senderId: string) => ReadonlySet<string> = () => new Set(),
  ) {}

  noteMessage(message: WireMessage): void {
    this.timeline.add(message);
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
    if ((this.timeline.isEmpty && this.threadReplies.size === 0) || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const absent = recipients();
      const notices = this.timeline.notices(absent, this.hiddenFrom);
      for (const thread of this.threadReplies.values()) notices.push(...thread.notices(absent, this.hiddenFrom));
      this.timeline = new TimelineWindow();
      this.threadReplies.clear();
      // In seq order: the app takes a notice older than one it has as already counted.
      for (const notice of notices.sort((a, b) => a.message.seq - b.message.seq)) this.tell(notice);
    }, COALESCE_MS);
  }

  /** Hands the notice to each recipient's inbox without waiting: a failure is logged, never in the message path. */
  private tell({ message, to }: Notice): void {
    for (const { userId, count } of to) {
      const inbox = this.inboxes.get(this.inboxes.idFromName(userId));
      inbox.roomActivity(message, userId, count).catch((err: unknown) => logFailure('inbox notification failed', err, { room: message.roomId, seq: message.seq }));
    }
  }
}
