/**
 * A group's picture and description in its settings: admins change or remove the picture
 * (cropped square in the browser, as a profile picture is) and edit the description; the
 * others read it. The room list reloads both when the server announces the change.
 */
import { useState } from 'react';
import { MAX_GROUP_DESCRIPTION_CHARS } from '../../lib/protocol';
import { api } from '../../services/api';
import { uploadGroupPicture } from '../../services/uploads';
import { Avatar } from '../Avatar';
import { PictureActions, preparePicture } from './PictureActions';

interface Props {
  roomId: string;
  name: string;
  avatarId: string | null;
  description: string | null;
  isAdmin: boolean;
  busy: string | null;
  /** GroupSettings' runner: one change at a time, its error shown, the list reloaded after. */
  run(key: string, fn: () => Promise<unknown>): Promise<boolean>;
}

export function GroupProfileSettings({ roomId, name, avatarId, description, isAdmin, busy, run }: Props) {
  const [draft, setDraft] = useState<string | null>(null);
  const current = description ?? '';
  const text = draft ?? current;

  const choosePicture = (file: File) => run('group-picture', async () => uploadGroupPicture(roomId, await preparePicture(file)));

  return (
    <>
      <div className="profile-dialog__picture">
        <Avatar id={roomId} name={name} avatarId={avatarId} size="lg" group />
        {isAdmin && (
          <PictureActions
            disabled={busy !== null}
            uploading={busy === 'group-picture'}
            accept="image/png,image/jpeg,image/webp"
            testIdPrefix="group-picture"
            onPicked={(file) => void choosePicture(file)}
            onRemove={avatarId ? () => void run('group-picture-remove', () => api.removeGroupPicture(roomId)) : undefined}
          />
        )}
      </div>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim() === current) return;
          void run('describe', () => api.describeGroup(roomId, text)).then((ok) => ok && setDraft(null));
        }}
      >
        <label className="field">
          <span className="field__label">Description</span>
          <textarea
            value={text}
            rows={3}
            maxLength={MAX_GROUP_DESCRIPTION_CHARS}
            readOnly={!isAdmin}
            disabled={busy !== null}
            placeholder={isAdmin ? 'What this group is about' : 'No description'}
            onChange={(e) => setDraft(e.target.value)}
            data-testid="group-description-input"
          />
        </label>
        {isAdmin && (
          <button type="submit" className="btn btn--secondary" disabled={busy !== null || text.trim() === current} data-testid="group-description-save">
            {text.trim() || !current ? 'Save description' : 'Clear description'}
          </button>
        )}
      </form>
    </>
  );
}
