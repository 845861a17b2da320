/** The Calls screen's words for one call: who, what, how it went. */
import type { CallHistoryEntry } from '../services/api';
import { formatDuration, formatListTime, formatTime, pluralize } from './format';

/** The other person, or the group. */
export function callPartyName(call: CallHistoryEntry): string {
  if (call.kind === 'group') return call.room.name ?? 'Group';
  return call.peer?.displayName ?? 'Unknown person';
}

/** "Outgoing video call", "Incoming group voice call". */
export function callKindText(call: CallHistoryEntry): string {
  const direction = call.direction === 'outgoing' ? 'Outgoing' : 'Incoming';
  return `${direction} ${call.kind === 'group' ? 'group ' : ''}${call.media} call`;
}

/** "Missed", "Declined", "No answer", "Busy", "Ongoing" or the time spent in it ("2:05"). */
export function callOutcomeText(call: CallHistoryEntry): string {
  switch (call.outcome) {
    case 'completed':
      return formatDuration(call.durationMs ?? 0);
    case 'missed':
      return 'Missed';
    case 'declined':
      return 'Declined';
    case 'no_answer':
      return 'No answer';
    case 'busy':
      return 'Busy';
    case 'ongoing':
      return 'Ongoing';
  }
}

/** A group call's "3 joined". */
export function callJoinedText(call: CallHistoryEntry): string | null {
  return call.kind === 'group' && call.joined !== null ? `${pluralize(call.joined, 'person', 'people')} joined` : null;
}

/** Today "14:05"; earlier "Yesterday, 14:05", "Tue, 14:05", "3 Mar, 14:05". */
export function callTimeText(iso: string, now = new Date()): string {
  const day = formatListTime(iso, now);
  const time = formatTime(iso);
  return day === time ? time : `${day}, ${time}`;
}
