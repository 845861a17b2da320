/**
 * What a conversation needs to start calls (the header's call buttons), apart from the call
 * machinery itself (CallContext.tsx): pages without calls, such as the embed page, render
 * ChatWindow without loading any of it.
 */
import { createContext, useContext } from 'react';
import type { CallMedia } from '../lib/call-state';

export interface CallControls {
  /** A call is ringing or going on here: no second one. */
  busy: boolean;
  /** The room of the current call, if any. */
  roomId: string | null;
  /** `secret`: the room is a secret chat, whose calls are bound to the other person's device (docs/e2e.md). */
  start(roomId: string, peerId: string, media: CallMedia, secret: boolean): void;
  /** The group call I am in (or joining), if any. */
  groupCallId: string | null;
  /** Starts a group's call. */
  startGroup(roomId: string, media: CallMedia): void;
  /** Joins the group call in progress. */
  joinGroup(roomId: string, callId: string, media: CallMedia): void;
}

export const CallControlsContext = createContext<CallControls | null>(null);

/** Starting calls from a conversation; null where calls are not available (e.g. the embed page). */
export function useCallControls(): CallControls | null {
  return useContext(CallControlsContext);
}
