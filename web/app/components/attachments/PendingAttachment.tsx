/** A file of mine still uploading (or waiting to be sent): preview or name, progress and cancel. */
import type { PendingUpload } from '../../lib/messages';
import { fileTypeLabel, formatBytes } from '../../lib/files';
import { formatDuration } from '../../lib/format';
import { CloseIcon, FileIcon } from '../Icons';

interface Props {
  upload: PendingUpload;
  uploading: boolean;
  onCancel(): void;
}

export function PendingAttachment({ upload: u, uploading, onCancel }: Props) {
  const percent = Math.round(u.progress * 100);
  return (
    <div className="attachment-pending" data-testid="attachment-pending">
      {u.kind === 'image' && u.previewUrl ? (
        <span className="attachment-image attachment-image--pending">
          <img src={u.previewUrl} alt={u.name} />
        </span>
      ) : (
        <div className="attachment-file">
          <FileIcon size={28} />
          <div className="attachment-file__text">
            <span className="attachment-file__name">{u.kind === 'voice' ? 'Voice note' : u.name}</span>
            <span className="attachment-file__meta">
              {u.kind === 'voice' && u.durationMs !== undefined
                ? formatDuration(u.durationMs)
                : `${formatBytes(u.size)} · ${fileTypeLabel(u.contentType)}`}
            </span>
          </div>
        </div>
      )}
      {uploading && (
        <div className="upload-progress">
          <progress max={100} value={percent} aria-label={`Uploading ${u.name}`} data-testid="upload-progress" />
          <span aria-hidden="true">{percent}%</span>
          <button
            type="button"
            className="icon-btn icon-btn--sm"
            aria-label={`Cancel upload of ${u.name}`}
            onClick={onCancel}
            data-testid="upload-cancel"
          >
            <CloseIcon size={14} />
          </button>
        </div>
      )}
    </div>
  );
}
