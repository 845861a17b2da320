/**
 * Notifications for the whole chat shell: a short sound for a new message in a chat I am not
 * looking at, a desktop notification (Notification API) while the tab is hidden, and a ringtone
 * plus a notification for an incoming call. A muted chat is silent, except for messages that
 * mention me. Permission is asked only when the person chooses to (see `NotifyPrompt`), never
 * on load.
 */
import { useNavigate } from '@remix-run/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useRooms } from '../context/RoomsContext';
import { api, type PublicUser, type RoomSummary } from '../services/api';
import { isMuted } from '../lib/mute';
import { GROUP_CALL_RING_MS } from '../lib/protocol';
import { mentions } from '../lib/mentions';
import { previewText, roomTitle } from '../lib/format';
import { playMessageSound, startRingtone, unlockAudio } from '../lib/sounds';
import { resyncPushSubscription, subscribeAfterPermission } from '../lib/web-push';

const PROMPT_DISMISSED_KEY = 'edge-chat:notify-prompt-dismissed';

export type NotifyPermission = NotificationPermission | 'unsupported';

function permissionNow(): NotifyPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export function useNotifications(me: PublicUser, openRoomId: string | null) {
  const { rooms, onMessage, onCallFrame } = useRooms();
  const navigate = useNavigate();
  const roomsRef = useRef<RoomSummary[] | null>(rooms);
  roomsRef.current = rooms;
  const openRef = useRef(openRoomId);
  openRef.current = openRoomId;
  /** Per room, the newest seq already announced (starting from the list's lastSeq: history is never announced). */
  const announced = useRef(new Map<string, number>());
  const [permission, setPermission] = useState<NotifyPermission>('default');
  const [prompt, setPrompt] = useState(false);

  useEffect(() => {
    setPermission(permissionNow());
    void resyncPushSubscription();
  }, []);

  // The first click or key press unlocks audio (browsers' autoplay policy).
  useEffect(() => {
    const unlock = () => unlockAudio();
    window.addEventListener('pointerdown', unlock);
    window.addEventListener('keydown', unlock);
    return () => {
      window.removeEventListener('pointerdown', unlock);
      window.removeEventListener('keydown', unlock);
    };
  }, []);

  const show = useCallback(
    (title: string, body: string, tag: string, roomId: string) => {
      if (permissionNow() !== 'granted') return;
      try {
        const n = new Notification(title, { body, tag });
        n.onclick = () => {
          window.focus();
          navigate(`/chat/${roomId}`);
          n.close();
        };
      } catch {
        // Some platforms (Android Chrome) only allow notifications from a service worker.
      }
    },
    [navigate],
  );

  useEffect(
    () =>
      onMessage((roomId, m) => {
        const room = roomsRef.current?.find((r) => r.id === roomId);
        const seen = announced.current.get(roomId) ?? room?.lastSeq ?? 0;
        if (m.seq <= seen) return;
        announced.current.set(roomId, m.seq);
        if (m.senderId === me.id) {
          // After my first message, offer desktop notifications (once, unless dismissed); a
          // conversation I just started may not be in the list yet, and counts too.
          const justSent = room !== undefined || Date.now() - Date.parse(m.createdAt) < 60_000;
          if (justSent && permissionNow() === 'default' && !localStorage.getItem(PROMPT_DISMISSED_KEY)) setPrompt(true);
          return;
        }
        if (!room) return;
        if (m.deletedAt || m.type === 'system' || m.senderId === null) return;
        const mentioned = m.type === 'text' && mentions(m.content, me.username);
        if (isMuted(room.mutedUntil) && !mentioned) return;
        const hidden = document.visibilityState !== 'visible';
        if (!hidden && openRef.current === roomId) return;
        playMessageSound();
        if (hidden) {
          const sender = room.members.find((x) => x.userId === m.senderId)?.displayName ?? 'Someone';
          const title = room.kind === 'group' ? `${sender} in ${roomTitle(room, room.members, me.id)}` : sender;
          show(mentioned ? `${title} mentioned you` : title, previewText(m), `room-${roomId}`, roomId);
        }
      }),
    [onMessage, me.id, me.username, show],
  );

  const stopRing = useRef<(() => void) | null>(null);
  useEffect(() => {
    let ringing: string | null = null;
    const stop = () => {
      stopRing.current?.();
      stopRing.current = null;
      ringing = null;
    };
    const off = onCallFrame((frame) => {
      if (frame.type === 'group_call_ring' || frame.type === 'group_call_state') {
        const call = frame.call;
        if (frame.type === 'group_call_ring') {
          // A muted group's call shows its card silently (CallContext), with no ringtone or notification.
          const room = roomsRef.current?.find((r) => r.id === call.roomId);
          if (room && isMuted(room.mutedUntil)) return;
          stop();
          ringing = call.id;
          stopRing.current = startRingtone();
          setTimeout(() => ringing === call.id && stop(), GROUP_CALL_RING_MS);
          if (document.visibilityState !== 'visible') {
            show(room?.name ? `Call in ${room.name}` : 'Group call', call.media === 'video' ? 'A group video call started' : 'A group voice call started', `call-${call.id}`, call.roomId);
          }
        } else if (call.id === ringing) {
          stop();
        }
        return;
      }
      const call = frame.call;
      if (frame.type === 'incoming_call' && call.status === 'ringing') {
        const room = roomsRef.current?.find((r) => r.id === call.roomId);
        if (room && isMuted(room.mutedUntil)) return;
        stop();
        ringing = call.id;
        stopRing.current = startRingtone();
        if (document.visibilityState !== 'visible') {
          // A call can come from a conversation the list has not loaded yet: ask for its members.
          const members = room ? Promise.resolve(room.members) : api.room(call.roomId).then((r) => r.room.members);
          void members
            .catch(() => [])
            .then((list) => {
              const caller = list.find((x) => x.userId === call.callerId)?.displayName ?? 'Someone';
              if (ringing === call.id) show(`${caller} is calling`, call.media === 'video' ? 'Incoming video call' : 'Incoming voice call', `call-${call.id}`, call.roomId);
            });
        }
      } else if (call.id === ringing && call.status !== 'ringing') {
        stop();
      }
    });
    return () => {
      off();
      stop();
    };
  }, [onCallFrame, show]);

  const enable = useCallback(async () => {
    setPrompt(false);
    if (typeof Notification === 'undefined') return;
    const granted = await Notification.requestPermission();
    setPermission(granted);
    // Notifications once the tab is closed, too (Web Push).
    if (granted === 'granted') void subscribeAfterPermission();
  }, []);
  const dismiss = useCallback(() => {
    setPrompt(false);
    try {
      localStorage.setItem(PROMPT_DISMISSED_KEY, '1');
    } catch {
      // private mode: it asks again next time
    }
  }, []);

  return { permission, prompt: prompt && permission === 'default', enable, dismiss };
}
