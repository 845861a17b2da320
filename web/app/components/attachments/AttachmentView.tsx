/**
 * The attachment of a sent message: a picture's preview (opening the viewer), a
 * file's name, size and type with a download button, or a voice note's player.
 * The bytes come through the token (members only) as object URLs.
 */
import { useEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import type { Attachment } from '../../lib/protocol';
import { fileTypeLabel, formatBytes } from '../../lib/files';
import { formatDuration } from '../../lib/format';
import { attachmentObjectUrl, useAttachmentUrl } from '../../hooks/useAttachmentUrl';
import { errorMessage } from '../../services/api';
import { DownloadIcon, FileIcon, RetryIcon } from '../Icons';
import { Waveform } from './Waveform';
import { useOpenPicture } from './PictureViewer';
import { useMediaDuration } from '../../hooks/useMediaDuration';

interface Props {
  roomId: string;
  attachment: Attachment;
}

export function AttachmentView({ roomId, attachment }: Props) {
  switch (attachment.kind) {
    case 'image':
      return <ImagePreview roomId={roomId} attachment={attachment} />;
    case 'voice':
      return <VoicePlayer roomId={roomId} attachment={attachment} />;
    case 'file':
      return <FileCard roomId={roomId} attachment={attachment} />;
  }
}

/** Width/height as an aspect ratio, so the bubble keeps its size while the picture loads. */
export function aspectOf(a: { width?: number | null; height?: number | null }): string | undefined {
  return a.width && a.height ? `${a.width} / ${a.height}` : undefined;
}

function ImagePreview({ roomId, attachment: a }: Props) {
  const { open, viewer } = useOpenPicture();
  return (
    <>
      <PictureButton roomId={roomId} attachment={a} className="attachment-image" style={{ aspectRatio: aspectOf(a) }} onOpen={() => open({ roomId, attachment: a })} />
      {viewer}
    </>
  );
}

interface PictureButtonProps extends Props {
  className: string;
  style?: CSSProperties;
  /** The accessible name (default "Open picture <name>"). */
  label?: string;
  onOpen(): void;
  testId?: string;
  id?: string;
  children?: ReactNode;
}

/** A picture's preview (its thumbnail when it has one) as a button that opens it. */
export function PictureButton({ roomId, attachment: a, className, style, label, onOpen, testId = 'attachment-image', id, children }: PictureButtonProps) {
  const { url, error, retry } = useAttachmentUrl(roomId, a.id, a.thumbnail ? 'thumbnail' : 'full');
  if (error) return <LoadError error={error} retry={retry} />;
  return (
    <button type="button" id={id} className={className} style={style} onClick={onOpen} aria-label={label ?? `Open picture ${a.name}`} data-testid={testId}>
      {url && <img src={url} alt="" data-testid="attachment-preview" />}
      {children}
    </button>
  );
}

function LoadError({ error, retry }: { error: string; retry(): void }) {
  return (
    <span className="attachment-error" role="alert">
      {error}{' '}
      <button type="button" className="link-btn" onClick={retry}>
        <RetryIcon size={14} /> Retry
      </button>
    </span>
  );
}

/** Fetches the file (with the token) and hands it to the browser's downloads under its name. */
async function downloadAttachment(roomId: string, a: Attachment): Promise<void> {
  const url = await attachmentObjectUrl(roomId, a.id, 'full');
  const link = document.createElement('a');
  link.href = url;
  link.download = a.name;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
}

function FileCard({ roomId, attachment: a }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      await downloadAttachment(roomId, a);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="attachment-file" data-testid="attachment-file">
      <FileIcon size={28} />
      <div className="attachment-file__text">
        <span className="attachment-file__name" data-testid="attachment-name">
          {a.name}
        </span>
        <span className="attachment-file__meta" data-testid="attachment-meta">
          {formatBytes(a.size)} · {fileTypeLabel(a.contentType)}
        </span>
        {error && (
          <span className="attachment-error" role="alert">
            {error}
          </span>
        )}
      </div>
      <button
        type="button"
        className="icon-btn"
        onClick={() => void download()}
        disabled={busy}
        aria-label={`Download ${a.name}`}
        data-testid="attachment-download"
      >
        <DownloadIcon size={20} />
      </button>
    </div>
  );
}

/** Playback speeds a voice note cycles through. */
const SPEEDS = [1, 1.5, 2] as const;

function VoicePlayer({ roomId, attachment: a }: Props) {
  const { url, error, retry } = useAttachmentUrl(roomId, a.id, 'full');
  const audio = useRef<HTMLAudioElement>(null);
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>(1);
  const [progress, setProgress] = useState(0);
  useEffect(() => {
    if (audio.current) audio.current.playbackRate = speed;
  }, [speed, url]);
  const duration = useMediaDuration(audio, url);
  const onTime = () => {
    const el = audio.current;
    // Only once the file's own length is known (useMediaDuration): while it is being found the
    // element seeks to the end and back, which is no progress.
    if (el && duration) setProgress(Math.min(1, el.currentTime / duration));
  };
  return (
    <div className="attachment-voice" data-testid="attachment-voice">
      {url ? (
        <audio
          ref={audio}
          controls
          preload="metadata"
          src={url}
          aria-label="Voice note"
          data-testid="voice-audio"
          data-duration={duration ?? undefined}
          onTimeUpdate={onTime}
          onEnded={() => setProgress(0)}
          onLoadedMetadata={(e) => (e.currentTarget.playbackRate = speed)}
        />
      ) : error ? (
        <LoadError error={error} retry={retry} />
      ) : (
        <span className="attachment-voice__loading">Loading voice note…</span>
      )}
      {a.waveform && a.waveform.length > 0 && <Waveform peaks={a.waveform} progress={progress} />}
      <span className="attachment-voice__row">
        <button
          type="button"
          className="voice-speed"
          aria-label={`Playback speed ${speed}×, change`}
          onClick={() => setSpeed((s) => SPEEDS[(SPEEDS.indexOf(s) + 1) % SPEEDS.length]!)}
          data-testid="voice-speed"
        >
          {speed}×
        </button>
        {a.durationMs !== null && <span className="attachment-voice__length">{formatDuration(a.durationMs)}</span>}
      </span>
    </div>
  );
}
