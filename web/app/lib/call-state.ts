/**
 * The life of one call as this tab sees it, as a pure reducer (no sockets, no WebRTC), so every
 * transition is unit-tested. The server is the authority: its `call_state` frames (from the
 * call's room socket, or from the inbox for a call that rings here) move the call forward; local
 * events (dial, answer, hang up, failures) only do what the server will confirm.
 *
 *   idle ─dial→ outgoing ─accepted→ active ─ended→ ended ─reset→ idle
 *   idle ─ring→ incoming ─answer→ accepting ─accepted→ active
 *   outgoing: rejected → declined, missed → no-answer, busy → busy, my hang-up → cancelled
 *   incoming: accepted (in another tab of mine) → answered-elsewhere, missed → missed
 */
import type { CallState } from './protocol';

export type CallMedia = CallState['media'];
export type CallDirection = 'outgoing' | 'incoming';
export type CallPhase = 'idle' | 'outgoing' | 'incoming' | 'accepting' | 'active' | 'ended';

/** Why a call is over, as people would say it. */
export type CallOutcome =
  /** It was answered and then hung up (by either side). */
  | 'ended'
  /** The callee declined (me, or the person I called). */
  | 'declined'
  /** I called; nobody answered in time. */
  | 'no-answer'
  /** I called someone who is already in a call. */
  | 'busy'
  /** I hung up before it was answered. */
  | 'cancelled'
  /** It rang here and stopped before I answered (the caller gave up or it timed out). */
  | 'missed'
  /** It rang here and I answered it in another tab. */
  | 'answered-elsewhere'
  /** Something broke (no microphone, no connection, a refusal): see `error`. */
  | 'failed';

export interface CallView {
  phase: CallPhase;
  callId: string | null;
  roomId: string | null;
  media: CallMedia;
  direction: CallDirection;
  /** The other participant. */
  peerId: string | null;
  /** The last status the server announced (null before it confirmed anything). */
  status: CallState['status'] | null;
  /** Local epoch ms when the call was answered: the in-call timer counts from here. */
  acceptedAt: number | null;
  outcome: CallOutcome | null;
  /** How long an answered call lasted (server clocks when known). */
  durationMs: number | null;
  error: string | null;
}

export const IDLE: CallView = {
  phase: 'idle',
  callId: null,
  roomId: null,
  media: 'voice',
  direction: 'outgoing',
  peerId: null,
  status: null,
  acceptedAt: null,
  outcome: null,
  durationMs: null,
  error: null,
};

export type CallEvent =
  | { type: 'dial'; callId: string; roomId: string; media: CallMedia; peerId: string }
  | { type: 'ring'; call: CallState }
  | { type: 'answer' }
  | { type: 'server'; call: CallState; now: number }
  | { type: 'hangup'; now: number }
  | { type: 'fail'; error: string; now: number }
  | { type: 'reset' };

/** A call is "live" here (it owns the camera and the call screen) in these phases. */
export function isLive(view: CallView): boolean {
  return view.phase === 'outgoing' || view.phase === 'accepting' || view.phase === 'active';
}

function end(view: CallView, outcome: CallOutcome, extra: Partial<CallView> = {}): CallView {
  return { ...view, phase: 'ended', outcome, ...extra };
}

function serverDuration(call: CallState): number | null {
  if (!call.startedAt || !call.endedAt) return null;
  return Math.max(0, Date.parse(call.endedAt) - Date.parse(call.startedAt));
}

export function callReducer(view: CallView, event: CallEvent): CallView {
  switch (event.type) {
    case 'dial':
      if (view.phase !== 'idle' && view.phase !== 'ended') return view;
      return {
        ...IDLE,
        phase: 'outgoing',
        direction: 'outgoing',
        callId: event.callId,
        roomId: event.roomId,
        media: event.media,
        peerId: event.peerId,
      };

    case 'ring': {
      if (view.phase !== 'idle' && view.phase !== 'ended') return view;
      const c = event.call;
      if (c.status !== 'ringing') return view;
      return {
        ...IDLE,
        phase: 'incoming',
        direction: 'incoming',
        callId: c.id,
        roomId: c.roomId,
        media: c.media,
        peerId: c.callerId,
        status: 'ringing',
      };
    }

    case 'answer':
      return view.phase === 'incoming' ? { ...view, phase: 'accepting' } : view;

    case 'server': {
      const c = event.call;
      if (c.id !== view.callId || view.phase === 'idle' || view.phase === 'ended') return view;
      const next = { ...view, status: c.status };
      switch (c.status) {
        case 'ringing':
          return next;
        case 'accepted':
          if (view.phase === 'outgoing' || view.phase === 'accepting') {
            return { ...next, phase: 'active', acceptedAt: view.acceptedAt ?? event.now };
          }
          // Answered, but not here: another tab of mine picked up.
          if (view.phase === 'incoming') return end(next, 'answered-elsewhere');
          return next;
        case 'rejected':
          return end(next, 'declined');
        case 'missed':
          return end(next, view.direction === 'outgoing' ? 'no-answer' : 'missed');
        case 'busy':
          return end(next, 'busy');
        case 'ended':
          return end(next, 'ended', {
            durationMs: serverDuration(c) ?? (view.acceptedAt !== null ? event.now - view.acceptedAt : null),
          });
      }
      return next;
    }

    case 'hangup':
      switch (view.phase) {
        case 'outgoing':
          return end(view, 'cancelled');
        case 'incoming':
          return end(view, 'declined');
        case 'accepting':
        case 'active':
          return end(view, 'ended', { durationMs: view.acceptedAt !== null ? event.now - view.acceptedAt : null });
        default:
          return view;
      }

    case 'fail':
      if (view.phase === 'idle' || view.phase === 'ended') return view;
      return end(view, 'failed', {
        error: event.error,
        durationMs: view.acceptedAt !== null ? event.now - view.acceptedAt : null,
      });

    case 'reset':
      return IDLE;
  }
}

/** What the call screen says about an outcome. */
export function outcomeText(view: CallView, peerName: string): string {
  switch (view.outcome) {
    case 'ended':
      return 'Call ended';
    case 'declined':
      return view.direction === 'outgoing' ? `${peerName} declined the call` : 'Call declined';
    case 'no-answer':
      return `${peerName} didn't answer`;
    case 'busy':
      return view.error ?? `${peerName} is on another call`;
    case 'cancelled':
      return 'Call cancelled';
    case 'missed':
      return `Missed call from ${peerName}`;
    case 'answered-elsewhere':
      return 'Answered on another device';
    case 'failed':
      return view.error ?? 'The call failed';
    default:
      return '';
  }
}
