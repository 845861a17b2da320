/**
 * Forward a message to one or several of my chats (loaded on demand). The server posts a
 * copy marked "Forwarded" in each, on each room's ordered, exactly-once path; the id chosen
 * here makes a retry of the same forward store nothing twice.
 */
import { useMemo, useState } from 'react';
import { useModalDialog } from '../hooks/useModalDialog';
import { useRooms } from '../context/RoomsContext';
import { roomTitle, previewText } from '../lib/format';
import { newClientId } from '../lib/messages';
import type { WireMessage } from '../lib/protocol';
import { api, errorMessage } from '../services/api';
import { CloseIcon } from './Icons';

/** As many chats as the server takes in one forward (worker/messages/forward-routes.ts). */
const MAX_TARGETS = 10;

interface Props {
  me: string;
  message: WireMessage;
  onClose(): void;
  onDone(text: string): void;
}

export default function ForwardDialog({ me, message, onClose, onDone }: Props) {
  const ref = useModalDialog();
  const { rooms } = useRooms();
  const [q, setQ] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // One id per dialog: pressing Forward again after a failure retries the same forward.
  const [clientId] = useState(newClientId);

  const choices = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (rooms ?? [])
      // A secret chat only takes what this device encrypts: the server's copy would be plain.
      .filter((r) => !r.secret)
      .map((r) => ({ id: r.id, title: roomTitle(r, r.members, me) }))
      .filter((r) => !needle || r.title.toLowerCase().includes(needle));
  }, [rooms, q, me]);

  const toggle = (id: string) => setChosen((cur) => (cur.includes(id) ? cur.filter((x) => x !== id) : [...cur, id].slice(0, MAX_TARGETS)));

  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      const { forwarded } = await api.forward({ roomId: message.roomId, seq: message.seq, to: chosen, clientId });
      const failed = forwarded.filter((f) => !f.ok).length;
      onDone(failed ? `Forwarded to ${forwarded.length - failed} of ${forwarded.length} chats.` : `Forwarded to ${forwarded.length === 1 ? '1 chat' : `${forwarded.length} chats`}.`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={ref}
      className="profile-dialog forward-dialog"
      aria-labelledby="forward-title"
      data-testid="forward-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <header className="profile-dialog__head">
        <h2 id="forward-title">Forward message</h2>
        <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
          <CloseIcon size={20} />
        </button>
      </header>
      <p className="forward-dialog__preview muted">{previewText(message)}</p>
      <input
        type="search"
        className="forward-dialog__search"
        placeholder="Search chats"
        aria-label="Search chats"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        data-testid="forward-search"
      />
      <fieldset className="forward-dialog__list">
        <legend className="visually-hidden">Chats to forward to</legend>
        {choices.map((r) => (
          <label key={r.id} className="forward-dialog__choice">
            <input
              type="checkbox"
              checked={chosen.includes(r.id)}
              disabled={!chosen.includes(r.id) && chosen.length >= MAX_TARGETS}
              onChange={() => toggle(r.id)}
              data-testid="forward-choice"
              data-room-id={r.id}
            />
            {r.title}
          </label>
        ))}
        {choices.length === 0 && <p className="muted">No chats found.</p>}
      </fieldset>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="button" className="btn btn--primary" disabled={busy || chosen.length === 0} onClick={() => void send()} data-testid="forward-send">
          {busy ? 'Forwarding…' : chosen.length > 1 ? `Forward to ${chosen.length} chats` : 'Forward'}
        </button>
        <button type="button" className="btn btn--secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
