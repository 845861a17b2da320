/**
 * Calls across the chat app: one CallClient per tab (hooks/useCall), rung by the inbox wherever
 * the person is. Renders the incoming-call card and, while a call is on, the full-screen call
 * UI (loaded on demand: the chat page does not ship it). Answering opens the conversation the
 * call belongs to, so the call record lands where the person is looking when it ends.
 */
import { useNavigate } from '@remix-run/react';
import { lazy, Suspense, useEffect, useMemo, type ReactNode } from 'react';
import { IncomingCall } from '../components/IncomingCall';
import { useCall, type CallHandle } from '../hooks/useCall';
import { isLive, type CallMedia, type CallView } from '../lib/call-state';
import { shownUsername } from '../lib/members';
import { useMe } from './AuthContext';
import { useRooms } from './RoomsContext';
import { CallControlsContext, type CallControls } from './CallControls';

const loadCallUI = () => import('../components/CallUI');
const CallUI = lazy(loadCallUI);

export interface CallPeer {
  avatarId?: string | null;
  id: string;
  name: string;
  /** Shown beside the name where it matters (an incoming call): display names are not unique. */
  username?: string;
}

/** Does the call screen stay up to say how the call ended? (Not for a call that only rang here.) */
function showsScreen(v: CallView): boolean {
  if (isLive(v)) return true;
  if (v.phase !== 'ended') return false;
  return v.direction === 'outgoing' || v.outcome === 'ended' || v.outcome === 'failed';
}

export function CallProvider({ children }: { children: ReactNode }) {
  const me = useMe();
  const call = useCall(me.id);
  const { client, snapshot } = call;
  const { rooms, reload, onCallFrame } = useRooms();
  const navigate = useNavigate();
  const v = snapshot.view;

  useEffect(() => onCallFrame((frame) => client.fromInbox(frame)), [onCallFrame, client]);

  // Fetch the call screen while it rings, so answering shows it at once.
  useEffect(() => {
    if (v.phase === 'incoming' || v.phase === 'outgoing') void loadCallUI().catch(() => {});
  }, [v.phase]);

  const room = v.roomId ? rooms?.find((r) => r.id === v.roomId) : undefined;
  const peerMember = v.peerId ? room?.members.find((m) => m.userId === v.peerId) : undefined;
  const peer: CallPeer | null = v.peerId
    ? { id: v.peerId, name: peerMember?.displayName ?? 'Someone', username: peerMember ? (shownUsername(peerMember) ?? undefined) : undefined, avatarId: peerMember?.avatarId }
    : null;

  // A call from someone in a conversation this list has not loaded yet: load it to name them.
  const unknownRoom = Boolean(v.roomId && rooms && !room);
  useEffect(() => {
    if (unknownRoom) void reload();
  }, [unknownRoom, reload]);

  const controls = useMemo<CallControls>(
    () => ({
      busy: isLive(v) || v.phase === 'incoming',
      roomId: v.roomId,
      start: (roomId, peerId, media) => call.dial(roomId, peerId, media),
    }),
    [v, call],
  );

  const answer = (video: boolean) => {
    const roomId = v.roomId;
    call.answer(video);
    if (roomId) navigate(`/chat/${roomId}`);
  };

  return (
    <CallControlsContext.Provider value={controls}>
      {children}
      {v.phase === 'incoming' && peer && (
        <IncomingCall peer={peer} media={v.media} onAccept={answer} onDecline={call.decline} />
      )}
      {showsScreen(v) && peer && (
        <Suspense fallback={<div className="call call--loading" role="status" aria-label="Starting the call" />}>
          <CallUI call={call} peer={peer} />
        </Suspense>
      )}
    </CallControlsContext.Provider>
  );
}

export type { CallHandle };
