/**
 * How one call went, as one person saw it: the Calls screen's "Missed", "Declined", "No answer",
 * "Busy" or the time they spent in it. The log stores the call's own outcome (calls.status) and,
 * for group calls, each person's (call_participants); this reads them from one side.
 */
export type CallDirection = 'outgoing' | 'incoming';
export type MyCallOutcome = 'completed' | 'missed' | 'declined' | 'no_answer' | 'busy' | 'ongoing';

export interface LoggedCall {
  kind: 'direct' | 'group';
  status: 'ringing' | 'accepted' | 'rejected' | 'missed' | 'busy';
  callerId: string | null;
  startedAt: Date | null;
  endedAt: Date | null;
  /** Group calls: my row in call_participants, if the call has ended and wrote one. */
  mine: { status: 'joined' | 'missed'; durationMs: number } | null;
}

export interface MyCall {
  direction: CallDirection;
  outcome: MyCallOutcome;
  /** Time I spent in the call (completed calls only). */
  durationMs: number | null;
}

export function myCallOutcome(call: LoggedCall, me: string): MyCall {
  const direction: CallDirection = call.callerId === me ? 'outgoing' : 'incoming';
  const unanswered: MyCallOutcome = direction === 'outgoing' ? 'no_answer' : 'missed';
  const result = (outcome: MyCallOutcome, durationMs: number | null = null): MyCall => ({ direction, outcome, durationMs });
  if (call.status === 'ringing' || (call.status === 'accepted' && !call.endedAt)) return result('ongoing');
  if (call.kind === 'group') {
    if (call.status !== 'accepted') return result(unanswered);
    return call.mine?.status === 'joined' ? result('completed', call.mine.durationMs) : result('missed');
  }
  switch (call.status) {
    case 'accepted':
      return result('completed', call.startedAt && call.endedAt ? Math.max(0, call.endedAt.getTime() - call.startedAt.getTime()) : 0);
    case 'rejected':
      return result('declined');
    case 'busy':
      return result('busy');
    case 'missed':
      return result(unanswered);
  }
}
