/**
 * Calls across the chat app: one CallClient per tab (hooks/useCall), rung by the inbox wherever
 * the person is. Renders the incoming-call card and, while a call is on, the full-screen call
 * UI (loaded on demand: the chat page does not ship it). Answering opens the conversation the
 * call belongs to, so the call record lands where the person is looking when it ends.
 */
import { useNavigate } from '@remix-run/react';
import { lazy, Suspense, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { IncomingCall } from '../components/IncomingCall';
import { useCall, type CallHandle } from '../hooks/useCall';
import { isLive, type CallMedia, type CallView } from '../lib/call-state';
import { shownUsername } from '../lib/members';
import { useMe } from './AuthContext';
import { useRooms } from './RoomsContext';
import { CallControlsContext, type CallControls } from './CallControls';
import { GroupCallClient } from '../services/group-call-client';
import { GROUP_CALL_RING_MS, type GroupCallState } from '../lib/protocol';

const loadCallUI = () => import('../components/CallUI');
const CallUI = lazy(loadCallUI);
const loadGroupCallUI = () => import('../components/GroupCallUI');
const GroupCallUI = lazy(loadGroupCallUI);

/** The tab's group call (one GroupCallClient per signed-in user), as React state. */
function useGroupCall(me: string) {
  const [client] = useState(() => new GroupCallClient(me));
  useEffect(() => () => client.dispose(), [client]);
  const snapshot = useSyncExternalStore(client.subscribe, client.getSnapshot, () => GroupCallClient.idle);
  return { client, snapshot };
}

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

  const group = useGroupCall(me.id);
  const groupLive = group.snapshot.phase === 'joining' || group.snapshot.phase === 'in-call';
  /** A group call ringing here (its card; the ringtone is useNotifications'). */
  const [groupRing, setGroupRing] = useState<GroupCallState | null>(null);

  useEffect(
    () =>
      onCallFrame((frame) => {
        if (frame.type === 'group_call_ring') setGroupRing(frame.call);
        else if (frame.type === 'group_call_state') setGroupRing((r) => (r?.id === frame.call.id ? null : r));
        else client.fromInbox(frame);
      }),
    [onCallFrame, client],
  );
  // A group call rings for a while, then only the banner in the group says it is on.
  useEffect(() => {
    if (!groupRing) return;
    const t = setTimeout(() => setGroupRing(null), GROUP_CALL_RING_MS);
    return () => clearTimeout(t);
  }, [groupRing]);
  useEffect(() => {
    if (group.snapshot.phase !== 'idle') void loadGroupCallUI().catch(() => {});
  }, [group.snapshot.phase]);

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
      busy: isLive(v) || v.phase === 'incoming' || groupLive,
      roomId: groupLive ? group.snapshot.roomId : v.roomId,
      start: (roomId, peerId, media, secret) => call.dial(roomId, peerId, media, secret),
      groupCallId: groupLive ? group.snapshot.callId : null,
      startGroup: (roomId, media) => {
        if (!isLive(v)) void group.client.join(roomId, null, media);
      },
      joinGroup: (roomId, callId, media) => {
        if (!isLive(v)) void group.client.join(roomId, callId, media);
      },
    }),
    [v, call, group.client, group.snapshot.roomId, group.snapshot.callId, groupLive],
  );

  const ringRoom = groupRing ? rooms?.find((r) => r.id === groupRing.roomId) : undefined;
  const ringPeer: CallPeer | null = groupRing
    ? { id: groupRing.roomId, name: ringRoom?.name ?? 'A group', avatarId: null }
    : null;
  const answerGroup = (video: boolean) => {
    if (!groupRing) return;
    const ring = groupRing;
    setGroupRing(null);
    void group.client.join(ring.roomId, ring.id, video && ring.media === 'video' ? 'video' : 'voice');
    navigate(`/chat/${ring.roomId}`);
  };

  const answer = (video: boolean) => {
    const roomId = v.roomId;
    call.answer(video, room?.secret === true);
    if (roomId) navigate(`/chat/${roomId}`);
  };

  return (
    <CallControlsContext.Provider value={controls}>
      {children}
      {v.phase === 'incoming' && peer && (
        <IncomingCall peer={peer} media={v.media} onAccept={answer} onDecline={call.decline} />
      )}
      {groupRing && ringPeer && !groupLive && !isLive(v) && v.phase !== 'incoming' && (
        <IncomingCall peer={ringPeer} media={groupRing.media} group onAccept={answerGroup} onDecline={() => setGroupRing(null)} />
      )}
      {group.snapshot.phase !== 'idle' && (
        <Suspense fallback={<div className="call call--loading" role="status" aria-label="Starting the call" />}>
          <GroupCallUI client={group.client} snapshot={group.snapshot} me={me.id} room={rooms?.find((r) => r.id === group.snapshot.roomId) ?? null} />
        </Suspense>
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
