/**
 * Block or unblock the other person of a direct chat (PUT / DELETE /api/blocks/:username), in
 * the chat-info panel. Blocking takes two clicks, the second confirming, so a slip of the finger
 * blocks nobody; unblocking takes one (it only gives back what the person had).
 */
import { useState } from 'react';

interface Props {
  username: string;
  blockedByMe: boolean;
  onBlock(): Promise<boolean>;
  onUnblock(): Promise<boolean>;
}

export function BlockButton({ username, blockedByMe, onBlock, onUnblock }: Props) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  const run = (action: () => Promise<boolean>) => {
    setBusy(true);
    void action().finally(() => {
      setBusy(false);
      setConfirming(false);
    });
  };

  if (blockedByMe) {
    return (
      <button type="button" className="btn btn--secondary" disabled={busy} onClick={() => run(onUnblock)} data-testid="unblock-button">
        Unblock @{username}
      </button>
    );
  }
  return (
    <button
      type="button"
      className={confirming ? 'btn btn--danger' : 'btn btn--danger-outline'}
      disabled={busy}
      aria-label={confirming ? `Confirm: block @${username}` : undefined}
      onClick={() => (confirming ? run(onBlock) : setConfirming(true))}
      onBlur={() => setConfirming(false)}
      data-testid={confirming ? 'block-confirm' : 'block-button'}
    >
      {confirming ? `Block @${username}? Click again to confirm` : `Block @${username}`}
    </button>
  );
}
