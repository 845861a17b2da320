/**
 * Pictures full screen in a modal dialog: one at a time, previous/next across the pictures it
 * was opened with (buttons, ←/→), zoom (buttons, +/-, wheel, pinch, double-click), download,
 * close on Escape. <dialog> with showModal(): the rest of the page is inert (focus stays
 * inside) and focus returns to what opened it. Loaded on demand, when a picture is opened.
 */
import { useEffect, useState } from 'react';
import { useModalDialog } from '../../hooks/useModalDialog';
import { useZoom, MAX_ZOOM, MIN_ZOOM } from '../../hooks/useZoom';
import type { Attachment } from '../../lib/protocol';
import { useAttachmentUrl } from '../../hooks/useAttachmentUrl';
import { formatBytes } from '../../lib/files';
import { BackIcon, CloseIcon, DownloadIcon, NextIcon, ZoomInIcon, ZoomOutIcon } from '../Icons';
import { aspectOf } from './AttachmentView';

export interface ViewerPicture {
  roomId: string;
  attachment: Attachment;
}

interface Props {
  pictures: readonly ViewerPicture[];
  /** Index of the picture to show first. */
  start: number;
  onClose(): void;
}

export default function MediaViewer({ pictures, start, onClose }: Props) {
  const ref = useModalDialog();
  const [index, setIndex] = useState(() => Math.min(Math.max(start, 0), pictures.length - 1));
  const { zoom, zoomIn, zoomOut, reset, handlers } = useZoom();
  const current = pictures[index]!;
  const a = current.attachment;
  const { url, error } = useAttachmentUrl(current.roomId, a.id, 'full');
  const many = pictures.length > 1;
  const position = many ? `${index + 1} of ${pictures.length}` : null;

  // Each picture starts fitted to the screen.
  useEffect(() => reset(), [index, reset]);
  const go = (step: number) => setIndex((i) => Math.min(Math.max(i + step, 0), pictures.length - 1));

  return (
    <dialog
      ref={ref}
      className="image-viewer"
      aria-modal="true"
      aria-label={`Picture: ${a.name}`}
      data-testid="image-viewer"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
      onKeyDown={(e) => {
        // The keys are the viewer's: the list, panel or message it opened from must not act on them too
        // (Escape would close the chat info under it). Escape itself still cancels the dialog.
        e.stopPropagation();
        if (e.altKey || e.ctrlKey || e.metaKey) return;
        const act = { ArrowLeft: () => go(-1), ArrowRight: () => go(1), '+': zoomIn, '=': zoomIn, '-': zoomOut }[e.key];
        if (act) {
          e.preventDefault();
          act();
        }
      }}
    >
      <div className="image-viewer__bar">
        <span className="image-viewer__title">
          {a.name}
          {a.width && a.height ? ` · ${a.width}×${a.height}` : ''} · {formatBytes(a.size)}
        </span>
        {/* Said when the picture changes, so a screen reader user knows where they are. */}
        <span className="image-viewer__position" role="status" data-testid="image-viewer-position">
          {position}
        </span>
        <button type="button" className="icon-btn" aria-label="Zoom out" onClick={zoomOut} disabled={zoom <= MIN_ZOOM} data-testid="image-viewer-zoom-out">
          <ZoomOutIcon size={20} />
        </button>
        <button type="button" className="icon-btn" aria-label="Zoom in" onClick={zoomIn} disabled={zoom >= MAX_ZOOM} data-testid="image-viewer-zoom-in">
          <ZoomInIcon size={20} />
        </button>
        {url ? (
          <a className="icon-btn" href={url} download={a.name} aria-label={`Download ${a.name}`} data-testid="image-viewer-download">
            <DownloadIcon size={20} />
          </a>
        ) : null}
        <button type="button" className="icon-btn" aria-label="Close picture" onClick={onClose} autoFocus data-testid="image-viewer-close">
          <CloseIcon size={20} />
        </button>
      </div>
      <div className={`image-viewer__stage${zoom > MIN_ZOOM ? ' image-viewer__stage--zoomed' : ''}`} data-zoom={zoom} data-testid="image-viewer-stage" {...handlers}>
        {url ? (
          <img
            src={url}
            alt={a.name}
            style={{ aspectRatio: aspectOf(a), ...(zoom > MIN_ZOOM ? { width: `${zoom * 100}%`, maxWidth: 'none', maxHeight: 'none' } : {}) }}
            draggable={false}
            data-testid="image-viewer-img"
          />
        ) : (
          <p role={error ? 'alert' : 'status'}>{error ?? 'Loading…'}</p>
        )}
      </div>
      {many && (
        <>
          <button
            type="button"
            className="icon-btn image-viewer__nav image-viewer__nav--prev"
            aria-label="Previous picture"
            onClick={() => go(-1)}
            disabled={index === 0}
            data-testid="image-viewer-prev"
          >
            <BackIcon size={28} />
          </button>
          <button
            type="button"
            className="icon-btn image-viewer__nav image-viewer__nav--next"
            aria-label="Next picture"
            onClick={() => go(1)}
            disabled={index === pictures.length - 1}
            data-testid="image-viewer-next"
          >
            <NextIcon size={28} />
          </button>
        </>
      )}
    </dialog>
  );
}
