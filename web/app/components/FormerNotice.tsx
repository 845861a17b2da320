/**
 * In place of the composer, in a group I left or was removed from: says so, and offers to
 * delete the chat from my list (a second click confirms; its history goes with it).
 */
import { useNavigate } from '@remix-run/react';
import { useState } from 'react';
import { useRooms } from '../context/RoomsContext';
import { api, errorMessage } from '../services/api';

export function FormerNotice({ roomId, reason }: { roomId: string; reason: 'left' | 'removed' }) {
  const navigate = useNavigate();
  const { removeRoom } = useRooms();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async () => {
    try {
      await api.forgetFormerRoom(roomId);
    } catch (err) {
      return setError(errorMessage(err));
    }
    // Away from the chat first: an open chat missing from the list would ask the server for it.
    navigate('/chat');
    removeRoom(roomId);
  };
  return (
    <div className="chat__read-only" role="status" data-testid="former-notice" data-reason={reason}>
      <p>{reason === 'removed' ? 'You were removed from this group.' : 'You left this group.'} You can still read what was said until then.</p>
      {error && <p className="form-error">{error}</p>}
      {confirming ? (
        <span className="row">
          <button type="button" className="btn btn--danger btn--xs" autoFocus onClick={() => void remove()} data-testid="former-delete-confirm">
            Delete chat and its history
          </button>
          <button type="button" className="btn btn--ghost btn--xs" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      ) : (
        <button type="button" className="btn btn--secondary btn--xs" onClick={() => setConfirming(true)} data-testid="former-delete">
          Delete chat
        </button>
      )}
    </div>
  );
}
