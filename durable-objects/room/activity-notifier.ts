/**
 * Tells members who do not have this room open that something happened in it,
 * through their inbox objects, so their conversation list and unread counts
 * move. Notifications are coalesced: at most one per member per window carries
 * the newest message, however busy the room is.
 */
import type { WireMessage } from '../protocol';
import type { UserInbox } from '../inbox/user-inbox';
import { logFailure } from '../shared/log-failure';

const COALESCE_MS = 250;

export class ActivityNotifier {
  private newest?: WireMessage;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly inboxes: DurableObjectNamespace<UserInbox>,
    /** Members never told of a sender's messages (a block either way: room/block-list.ts). */
    private readonly hiddenFrom: (senderId: string) => ReadonlySet<string> = () => new Set(),
  ) {}

  noteMessage(message: WireMessage): void {
    if (!this.newest || message.seq > this.newest.seq) this.newest = message;
  }

  /** `recipients` is asked when the window closes, so it sees who is live then. */
  schedule(recipients: () => string[]): void {
    if (!this.newest || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const message = this.newest;
      this.newest = undefined;
      if (!message) return;
      const hidden = message.senderId ? this.hiddenFrom(message.senderId) : undefined;
      for (const userId of recipients()) {
        if (hidden?.has(userId)) continue;
        const inbox = this.inboxes.get(this.inboxes.idFromName(userId));
        inbox.roomActivity(message, userId).catch((err: unknown) => logFailure('inbox notification failed', err, { room: message.roomId, seq: message.seq }));
      }
    }, COALESCE_MS);
  }
}
