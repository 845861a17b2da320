/**
 * A picture at full size in a modal dialog (<dialog>: focus moves into it, Escape
 * closes it and focus returns to the preview that opened it). Loaded on demand.
 */
import { useModalDialog } from '../../hooks/useModalDialog';
import type { Attachment } from '../../lib/protocol';
import { useAttachmentUrl } from '../../hooks/useAttachmentUrl';
import { formatBytes } from '../../lib/files';
import { CloseIcon, DownloadIcon } from '../Icons';
import { aspectOf, downloadAttachment } from './AttachmentView';

interface Props {
  roomId: string;
  attachment: Attachment;
  onClose(): void;
}

export default function ImageViewer({ roomId, attachment: a, onClose }: Props) {
  const ref = useModalDialog();
  const { url, error } = useAttachmentUrl(roomId, a.id, 'full');

  return (
    <dialog
      ref={ref}
      className="image-viewer"
      aria-label={`Picture: ${a.name}`}
      data-testid="image-viewer"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div className="image-viewer__bar">
        <span className="image-viewer__title">
          {a.name}
          {a.width && a.height ? ` · ${a.width}×${a.height}` : ''} · {formatBytes(a.size)}
        </span>
        <button
          type="button"
          className="icon-btn"
          aria-label="Download picture"
          onClick={() => void downloadAttachment(roomId, a)}
        >
          <DownloadIcon size={20} />
        </button>
        <button
          type="button"
          className="icon-btn"
          aria-label="Close picture"
          onClick={onClose}
          autoFocus
          data-testid="image-viewer-close"
        >
          <CloseIcon size={20} />
        </button>
      </div>
      <div className="image-viewer__stage">
        {url ? (
          <img src={url} alt={a.name} style={{ aspectRatio: aspectOf(a) }} data-testid="image-viewer-img" />
        ) : (
          <p role={error ? 'alert' : 'status'}>{error ?? 'Loading…'}</p>
        )}
      </div>
    </dialog>
  );
}
