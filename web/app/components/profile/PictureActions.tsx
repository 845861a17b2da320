/**
 * Changing or removing a picture, mine or a group's: the file is cropped square and scaled in
 * the browser (lib/images, loaded on demand) and held to the size limit before it is uploaded.
 */
import { useRef } from 'react';
import { MAX_AVATAR_BYTES } from '../../lib/protocol';

/** The picture to upload; throws a message for people when the file will not do. */
export async function preparePicture(file: File): Promise<Blob> {
  const { squareAvatar } = await import('../../lib/images');
  const image = await squareAvatar(file);
  if (!image) throw new Error('That file is not a picture this browser can read.');
  if (image.size > MAX_AVATAR_BYTES) throw new Error('That picture is too large.');
  return image;
}

interface Props {
  /** Another change is running: the buttons wait for it. */
  disabled: boolean;
  uploading: boolean;
  accept: string;
  /** `<prefix>-change`, `-remove` and `-input` are the test ids. */
  testIdPrefix: string;
  onPicked(file: File): void;
  /** Absent while there is no picture to remove. */
  onRemove?: () => void;
}

export function PictureActions({ disabled, uploading, accept, testIdPrefix, onPicked, onRemove }: Props) {
  const fileRef = useRef<HTMLInputElement>(null);
  return (
    <div className="profile-dialog__picture-actions">
      <button type="button" className="btn btn--secondary" disabled={disabled} onClick={() => fileRef.current?.click()} data-testid={`${testIdPrefix}-change`}>
        {uploading ? 'Uploading…' : 'Change picture'}
      </button>
      {onRemove && (
        <button type="button" className="link-btn" disabled={disabled} onClick={onRemove} data-testid={`${testIdPrefix}-remove`}>
          Remove picture
        </button>
      )}
      <input
        ref={fileRef}
        type="file"
        accept={accept}
        hidden
        data-testid={`${testIdPrefix}-input`}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) onPicked(file);
        }}
      />
    </div>
  );
}
