/**
 * The step between choosing files and sending them (button, paste or drop): each file shown
 * (pictures as centred thumbnails, other files by name and size), any of them removable, one
 * caption for them all, and Send, which sends them at once (pictures together as an album).
 * A modal <dialog>: focus moves into it, Escape cancels, focus returns to the composer.
 * Loaded on demand, when files are first attached.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { ModalDialog } from '../ModalDialog';
import { fileTypeLabel, formatBytes } from '../../lib/files';
import { MAX_MESSAGE_CHARS } from '../../lib/protocol';
import { isPictureFile } from '../../lib/albums';
import { CloseIcon, FileIcon, PaperclipIcon, SendIcon } from '../Icons';
import { FilesInput } from './FilesInput';

interface Props {
  files: readonly File[];
  /** More files were chosen while the dialog is open (its own "Add" button). */
  onAdd(files: File[]): void;
  onRemove(index: number): void;
  onSend(caption: string): void;
  onClose(): void;
}

export default function SendFilesDialog({ files, onAdd, onRemove, onSend, onClose }: Props) {
  const [caption, setCaption] = useState('');
  const addRef = useRef<HTMLInputElement>(null);
  const captionRef = useRef<HTMLTextAreaElement>(null);
  // One object URL per picture while it is listed, revoked when it goes.
  const previews = useMemo(() => files.map((f) => (isPictureFile(f) ? URL.createObjectURL(f) : null)), [files]);
  useEffect(() => () => previews.forEach((url) => url && URL.revokeObjectURL(url)), [previews]);
  useEffect(() => captionRef.current?.focus(), []);

  const pictures = files.filter(isPictureFile).length;
  const title =
    files.length === 1 ? (pictures ? 'Send a picture' : 'Send a file') : pictures === files.length ? `Send ${files.length} pictures` : `Send ${files.length} files`;
  const tooLong = caption.length > MAX_MESSAGE_CHARS;
  const send = () => {
    if (files.length && !tooLong) onSend(caption.trim());
  };

  return (
    <ModalDialog name="send-files" title={title} closeLabel="Cancel sending files" onClose={onClose}>
      {/* Not a <form>: the dialog opens inside the composer's form, and forms cannot nest. */}
      {/* Its keys stay here (Escape cancels this dialog, not the reply the composer holds). */}
      <div className="send-files" onKeyDown={(e) => e.stopPropagation()}>
        <ul className="send-files__list" aria-label="Files to send" data-testid="send-files-list">
          {files.map((file, i) => (
            <li key={`${i}:${file.name}:${file.size}`} className="send-files__item" data-testid="send-files-item">
              {previews[i] ? (
                <img className="send-files__thumb" src={previews[i]!} alt={file.name} data-testid="send-files-thumb" />
              ) : (
                <span className="send-files__file">
                  <FileIcon size={28} />
                </span>
              )}
              <span className="send-files__text">
                <span className="send-files__name" data-testid="send-files-name">
                  {file.name || 'Pasted file'}
                </span>
                <span className="send-files__meta">
                  {formatBytes(file.size)} · {fileTypeLabel(file.type)}
                </span>
              </span>
              <button
                type="button"
                className="icon-btn icon-btn--sm"
                aria-label={`Remove ${file.name || 'this file'}`}
                onClick={() => {
                  onRemove(i);
                  captionRef.current?.focus();
                }}
                data-testid="send-files-remove"
              >
                <CloseIcon size={16} />
              </button>
            </li>
          ))}
        </ul>
        <label className="send-files__caption">
          <span className="visually-hidden">Caption</span>
          <textarea
            ref={captionRef}
            value={caption}
            rows={2}
            placeholder="Add a caption…"
            onChange={(e) => setCaption(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                send();
              }
            }}
            aria-invalid={tooLong || undefined}
            data-testid="send-files-caption"
          />
        </label>
        {tooLong && (
          <p className="form-error" role="alert">
            The caption is {caption.length - MAX_MESSAGE_CHARS} characters too long.
          </p>
        )}
        <div className="send-files__actions">
          <button type="button" className="btn btn--ghost" onClick={() => addRef.current?.click()} data-testid="send-files-add">
            <PaperclipIcon size={18} /> Add
          </button>
          <FilesInput ref={addRef} testId="send-files-add-input" onFiles={onAdd} />
          <button type="button" className="btn btn--primary" onClick={send} disabled={!files.length || tooLong} data-testid="send-files">
            <SendIcon size={18} /> Send{files.length > 1 ? ` ${files.length}` : ''}
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}
