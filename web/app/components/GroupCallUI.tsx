/**
 * The group call screen (full screen, over the app): a grid of tiles that adapts to 1–9 people
 * (on a phone: the speaker large and a strip of the others), the active speaker highlighted
 * from audio levels, each tile's microphone and camera state, a shared screen shown large, a
 * participant list (people blocked either way are listed as "blocked", with no tile), and the
 * controls (mute, camera, screen, Leave).
 *
 * Loaded on demand (React.lazy in context/CallContext.tsx): the chat page does not ship it.
 */
import { useCallback, useMemo, useState } from 'react';
import type { GroupCallClient, GroupCallSnapshot } from '../services/group-call-client';
import { orderedParticipants } from '../services/group-call-client';
import type { RoomSummary } from '../services/api';
import type { GroupCallParticipant } from '../lib/protocol';
import { formatDuration } from '../lib/format';
import { QUALITY_TEXT, useCallStats, useElapsed, type StatsSource } from '../hooks/useCallStats';
import { useCallScreen, useVideo } from '../hooks/useCallScreen';
import { Avatar } from './Avatar';
import { MicIcon, MicOffIcon, PhoneOffIcon, SignalIcon, VideoOffIcon } from './Icons';
import { CallMediaButtons } from './CallMediaButtons';

interface Props {
  client: GroupCallClient;
  snapshot: GroupCallSnapshot;
  me: string;
  room: RoomSummary | null;
}

function Tile({
  participant,
  name,
  stream,
  video,
  mine,
  speaking,
  stage,
  link,
  statsSource,
}: {
  participant: GroupCallParticipant;
  name: string;
  stream: MediaStream | null;
  video: boolean;
  mine: boolean;
  speaking: boolean;
  stage: boolean;
  link: string;
  /** My connection to this participant (null on my own tile). */
  statsSource: StatsSource | null;
}) {
  const ref = useVideo(stream);
  const showVideo = video && (participant.camera || participant.screen);
  const state = !participant.connected ? 'reconnecting' : mine ? 'you' : link;
  const stats = useCallStats(statsSource ?? NO_STATS, statsSource !== null && state === 'connected');
  const quality = stats ? QUALITY_TEXT[stats.quality] : null;
  return (
    <li
      className={`gcall__tile${speaking ? ' gcall__tile--speaking' : ''}${stage ? ' gcall__tile--stage' : ''}`}
      data-testid="gcall-tile"
      data-user-id={participant.userId}
      data-speaking={speaking || undefined}
      data-link={state}
      aria-label={`${name}${mine ? ' (you)' : ''}${participant.muted ? ', muted' : ''}${participant.camera ? '' : ', camera off'}${participant.screen ? ', sharing their screen' : ''}${speaking ? ', speaking' : ''}${quality ? `, ${quality.toLowerCase()}` : ''}`}
    >
      {/* Remote audio plays through this element even while the video is hidden; mine is muted. */}
      {stream && <video ref={ref} className={`gcall__video${mine && !participant.screen ? ' gcall__video--mirror' : ''}`} hidden={!showVideo} autoPlay playsInline muted={mine} />}
      {!showVideo && (
        <span className="gcall__avatar">
          <Avatar id={participant.userId} name={name} size="lg" />
        </span>
      )}
      <span className="gcall__label">
        {participant.muted ? <MicOffIcon size={14} aria-hidden /> : <MicIcon size={14} aria-hidden />}
        {!participant.camera && <VideoOffIcon size={14} aria-hidden />}
        <span>{mine ? `${name} (you)` : name}</span>
        {state === 'reconnecting' || state === 'connecting' ? <span className="gcall__state"> · {state === 'connecting' ? 'connecting…' : 'reconnecting…'}</span> : null}
        {stats && quality && (
          <span
            className={`gcall__quality gcall__quality--${stats.quality}`}
            role="img"
            aria-label={quality}
            title={stats.rttMs != null ? `${quality} · round trip ${stats.rttMs} ms` : quality}
            data-testid="gcall-quality"
            data-quality={stats.quality}
          >
            <SignalIcon size={14} />
          </span>
        )}
      </span>
    </li>
  );
}

/** My own tile samples nothing. */
const NO_STATS: StatsSource = { stats: async () => null };

export default function GroupCallUI({ client, snapshot, me, room }: Props) {
  const { media, localStream, run, line, rootRef } = useCallScreen(client.media, snapshot);
  const [listOpen, setListOpen] = useState(false);
  const live = snapshot.phase === 'joining' || snapshot.phase === 'in-call';
  const elapsed = useElapsed(snapshot.phase === 'in-call' ? snapshot.joinedAt : null);

  const nameOf = useCallback(
    (userId: string) => room?.members.find((m) => m.userId === userId)?.displayName ?? 'Someone',
    [room],
  );

  const people = orderedParticipants(snapshot.call, me);
  const tiles = people.filter((p) => !p.blocked);
  const remotes = useMemo(() => new Map(snapshot.remotes.map((r) => [r.userId, r])), [snapshot.remotes]);
  // One screen at a time is shown large: the first sharer in join order.
  const sharer = tiles.find((p) => p.screen)?.userId ?? null;
  const stageId = sharer ?? snapshot.speaker;


  const title = room?.name ? `Call in ${room.name}` : 'Group call';
  let status: string;
  if (snapshot.phase === 'joining') status = 'Joining…';
  else if (snapshot.phase === 'in-call') status = `${formatDuration((elapsed ?? 0) * 1000)} · ${tiles.length} in the call`;
  else status = snapshot.error ?? 'You left the call';

  return (
    <div
      className="call gcall"
      role="dialog"
      aria-modal="true"
      aria-labelledby="gcall-title"
      aria-describedby="gcall-status"
      tabIndex={-1}
      ref={rootRef}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && snapshot.phase === 'ended') client.dismiss();
      }}
      data-testid="group-call-screen"
      data-phase={snapshot.phase}
      data-call-id={snapshot.callId ?? undefined}
      data-count={tiles.length}
      data-stage={stageId ?? undefined}
    >
      <header className="gcall__top">
        <h2 id="gcall-title">{title}</h2>
        <p id="gcall-status" className="call__status" data-testid="gcall-status" aria-live="polite">
          {status}
        </p>
      </header>

      {live && (
        <ul className={`gcall__grid${sharer ? ' gcall__grid--stage' : ''}`} data-count={Math.min(tiles.length, 9)} aria-label="Participants' video">
          {tiles.map((p) => {
            const mine = p.userId === me;
            const remote = remotes.get(p.userId);
            return (
              <Tile
                key={`${p.userId}:${p.joinSeq}`}
                participant={p}
                name={nameOf(p.userId)}
                stream={mine ? localStream : (remote?.stream ?? null)}
                video={mine ? localStream !== null : (remote?.video ?? false)}
                mine={mine}
                speaking={!mine && snapshot.speaker === p.userId}
                stage={p.userId === stageId}
                link={remote?.link ?? 'connecting'}
                statsSource={mine ? null : client.statsOf(p.userId)}
              />
            );
          })}
        </ul>
      )}

      {live && (
        <section className={`gcall__people${listOpen ? ' gcall__people--open' : ''}`} aria-labelledby="gcall-people-title">
          <button type="button" className="btn call__btn gcall__people-toggle" aria-expanded={listOpen} aria-controls="gcall-people-list" onClick={() => setListOpen((o) => !o)} data-testid="gcall-people-toggle">
            <span id="gcall-people-title">People ({people.length})</span>
          </button>
          <ul id="gcall-people-list" hidden={!listOpen} data-testid="gcall-people">
            {people.map((p) => (
              <li key={p.userId} data-user-id={p.userId} data-blocked={p.blocked || undefined}>
                {nameOf(p.userId)}
                {p.userId === me ? ' (you)' : ''}
                {p.blocked ? ' — blocked' : [p.muted ? ' — muted' : '', !p.camera ? ' — camera off' : '', p.screen ? ' — sharing screen' : '', !p.connected ? ' — reconnecting' : ''].join('')}
              </li>
            ))}
          </ul>
        </section>
      )}

      {line && live && (
        <p className="call__notice" role="status">
          {line}
        </p>
      )}

      {live ? (
        <div className="call__controls" role="toolbar" aria-label="Call controls">
          <CallMediaButtons local={client.media} media={media} voiceCall={false} canShare={snapshot.phase === 'in-call'} run={run} testIdPrefix="gcall" />
          <button type="button" className="btn round-btn--danger gcall__leave" onClick={() => client.leave()} data-testid="gcall-leave">
            <PhoneOffIcon aria-hidden /> Leave
          </button>
        </div>
      ) : (
        <div className="call__controls">
          <button type="button" className="btn call__btn" onClick={() => client.dismiss()} data-testid="gcall-close" autoFocus>
            Close
          </button>
        </div>
      )}
    </div>
  );
}
