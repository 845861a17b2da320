/**
 * Editing my profile: display name and picture. The picture is cropped square and
 * scaled to 256 px in the browser before upload. Loaded on demand, in a modal
 * <dialog> (ModalDialog: Escape closes it, focus returns to the button that opened it).
 */
import { useState } from 'react';
import { useAuth, useMe } from '../../context/AuthContext';
import { api, errorMessage } from '../../services/api';
import { uploadAvatar } from '../../services/uploads';
import { Avatar } from '../Avatar';
import { ModalDialog } from '../ModalDialog';
import { PictureActions, preparePicture } from './PictureActions';

export default function ProfileDialog({ onClose }: { onClose(): void }) {
  const me = useMe();
  const { updateUser } = useAuth();
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

  const choosePicture = (file: File) =>
    run('picture', async () => {
      updateUser(await uploadAvatar(await preparePicture(file)));
      setSaved('Picture updated.');
    });

  return (
    <ModalDialog name="profile" title="Your profile" closeLabel="Close profile" onClose={onClose}>
      <div className="profile-dialog__picture">
        <Avatar id={me.id} name={me.displayName} avatarId={me.avatarId} size="lg" />
        <PictureActions
          disabled={busy !== null}
          uploading={busy === 'picture'}
          accept="image/png,image/jpeg,image/webp,image/gif"
          testIdPrefix="avatar"
          onPicked={(file) => void choosePicture(file)}
          onRemove={me.avatarId ? () => void run('remove', async () => updateUser((await api.removeAvatar()).user)) : undefined}
        />
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
