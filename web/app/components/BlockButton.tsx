/**
 * Blocks the other person of a direct chat (PUT /api/blocks/:username): no messages, calls or
 * presence between the two of you from then on. Two clicks, the second confirming, so a slip
 * of the finger blocks nobody; then back to the conversation list.
 */
import { useNavigate } from '@remix-run/react';
import { useState } from 'react';
import { api, ApiError } from '../services/api';
import { AlertIcon } from './Icons';

export function BlockButton({ username }: { username: string }) {
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onClick = () => {
    if (!confirming) return setConfirming(true);
    api
      .blockUser(username)
      .then(() => navigate('/chat'))
      .catch((err: unknown) => setError(err instanceof ApiError ? err.message : 'could not block; try again'));
  };

  return (
    <button
      type="button"
      className={confirming ? 'btn btn--danger' : 'icon-btn'}
      aria-label={confirming ? `Confirm: block @${username}` : `Block @${username}`}
      title={error ?? (confirming ? 'Click again to block' : `Block @${username}`)}
      onClick={onClick}
      onBlur={() => setConfirming(false)}
      data-testid={confirming ? 'block-confirm' : 'block-button'}
    >
      {confirming ? 'Block' : <AlertIcon />}
    </button>
  );
}
