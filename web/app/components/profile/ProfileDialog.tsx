/**
 * Editing my profile: display name and picture. The picture is cropped square and
 * scaled to 256 px in the browser before upload. Loaded on demand, in a modal
 * <dialog> (ModalDialog: Escape closes it, focus returns to the button that opened it).
 */
import { useRef, useState } from 'react';
import { useAuth, useMe } from '../../context/AuthContext';
import { MAX_AVATAR_BYTES } from '../../lib/protocol';
import { api, errorMessage } from '../../services/api';
import { uploadAvatar } from '../../services/uploads';
import { Avatar } from '../Avatar';
import { ModalDialog } from '../ModalDialog';

export default function ProfileDialog({ onClose }: { onClose(): void }) {
  const me = useMe();
  const { updateUser } = useAuth();
  const fileRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState(me.displayName);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const run = async (what: string, action: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    setSaved(null);
    try {
      await action();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const choosePicture = (file: File | undefined) =>
    file &&
    run('picture', async () => {
      const { squareAvatar } = await import('../../lib/images');
      const image = await squareAvatar(file);
      if (!image) throw new Error('That file is not a picture this browser can read.');
      if (image.size > MAX_AVATAR_BYTES) throw new Error('That picture is too large.');
      updateUser(await uploadAvatar(image));
      setSaved('Picture updated.');
    });

  return (
    <ModalDialog name="profile" title="Your profile" closeLabel="Close profile" onClose={onClose}>
      <div className="profile-dialog__picture">
        <Avatar id={me.id} name={me.displayName} avatarId={me.avatarId} size="lg" />
        <div className="profile-dialog__picture-actions">
          <button
            type="button"
            className="btn btn--secondary"
            disabled={busy !== null}
            onClick={() => fileRef.current?.click()}
            data-testid="avatar-change"
          >
            {busy === 'picture' ? 'Uploading…' : 'Change picture'}
          </button>
          {me.avatarId && (
            <button
              type="button"
              className="link-btn"
              disabled={busy !== null}
              onClick={() => void run('remove', async () => updateUser((await api.removeAvatar()).user))}
              data-testid="avatar-remove"
            >
              Remove picture
            </button>
          )}
          <input
            ref={fileRef}
            type="file"
            accept="image/png,image/jpeg,image/webp,image/gif"
            hidden
            data-testid="avatar-input"
            onChange={(e) => {
              void choosePicture(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
        </div>
      </div>
      <form
        className="profile-dialog__form field"
        onSubmit={(e) => {
          e.preventDefault();
          void run('name', async () => {
            updateUser((await api.updateProfile({ displayName: name })).user);
            setSaved('Name saved.');
          });
        }}
      >
        <label className="field__label" htmlFor="profile-name">
          Display name
        </label>
        <span className="field__row">
          <input
            id="profile-name"
            value={name}
            maxLength={64}
            required
            onChange={(e) => setName(e.target.value)}
            data-testid="profile-name"
          />
          <button
            type="submit"
            className="btn btn--primary"
            disabled={busy !== null || !name.trim() || name.trim() === me.displayName}
            data-testid="profile-save"
          >
            {busy === 'name' ? 'Saving…' : 'Save'}
          </button>
        </span>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {saved && (
        <p className="profile-dialog__saved" role="status">
          {saved}
        </p>
      )}
    </ModalDialog>
  );
}
