/**
 * What a secret chat (docs/e2e.md) shows beside its messages: that it is end-to-end
 * encrypted and that devices added later do not see earlier messages; the safety
 * number to compare with the other person, and whether it is verified; and a
 * "security code changed" line when their devices' keys (or mine) changed since.
 */
import { useCallback, useEffect, useState } from 'react';
import { useModalDialog } from '../hooks/useModalDialog';
import { secretChatsFor } from '../services/secret-chats-lazy';
import { errorMessage } from '../services/api';
import { CloseIcon, LockIcon } from './Icons';
import { QrCode } from './QrCode';

interface Props {
  me: string;
  contactId: string;
  contactName: string;
}

type Status = { number: string; verified: boolean; changed: boolean } | { error: string } | null;

function useSafetyNumber(me: string, contactId: string) {
  const [status, setStatus] = useState<Status>(null);
  const load = useCallback(async () => {
    try {
      const secrets = await secretChatsFor(me);
      const [number, verified] = await Promise.all([secrets.safetyNumberWith(contactId), secrets.verifiedNumber(contactId)]);
      const seenKey = `edge-chat:safety-seen:${me}:${contactId}`;
      const seen = localStorage.getItem(seenKey);
      localStorage.setItem(seenKey, number);
      setStatus({ number, verified: verified === number, changed: (verified !== undefined && verified !== number) || (seen !== null && seen !== number) });
    } catch (err) {
      setStatus({ error: errorMessage(err) });
    }
  }, [me, contactId]);
  useEffect(() => void load(), [load]);
  const setVerified = async (verified: boolean) => {
    if (!status || 'error' in status) return;
    await (await secretChatsFor(me)).setVerified(contactId, verified ? status.number : null);
    setStatus({ ...status, verified, changed: false });
  };
  return { status, setVerified };
}

function SafetyNumberDialog({ contactName, number, verified, onVerify, onClose }: {
  contactName: string;
  number: string;
  verified: boolean;
  onVerify(verified: boolean): void;
  onClose(): void;
}) {
  const ref = useModalDialog();
  return (
    <dialog
      ref={ref}
      className="profile-dialog"
      aria-labelledby="safety-title"
      data-testid="safety-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <header className="profile-dialog__head">
        <h2 id="safety-title">Safety number</h2>
        <button type="button" className="icon-btn" aria-label="Close safety number" onClick={onClose}>
          <CloseIcon size={20} />
        </button>
      </header>
      <p>
        Compare these numbers with {contactName}, in person or on a call, or hold the two QR codes side by side (or scan one with a phone's
        camera: it holds the same 60 digits). If they match on both screens, no one is reading along.
      </p>
      <p className="secret-bar__number" data-testid="safety-number">
        {number}
      </p>
      <div className="secret-bar__qr">
        <QrCode text={number.replace(/ /g, '')} label={`QR code of the safety number with ${contactName}`} testId="safety-qr" />
      </div>
      <button type="button" className={`btn ${verified ? 'btn--secondary' : 'btn--primary'}`} onClick={() => onVerify(!verified)} data-testid="safety-verify">
        {verified ? 'Clear verification' : 'Mark as verified'}
      </button>
    </dialog>
  );
}

export function SecretChatBar({ me, contactId, contactName }: Props) {
  const { status, setVerified } = useSafetyNumber(me, contactId);
  const [open, setOpen] = useState(false);
  const ready = status && !('error' in status) ? status : null;
  return (
    <div className="secret-bar" data-testid="secret-bar">
      <p className="secret-bar__note">
        <LockIcon size={14} /> Messages here are end-to-end encrypted and kept on this device. Devices added later do not get earlier
        messages.
        {ready?.verified && (
          <span className="secret-bar__verified" data-testid="verified-badge">
            {' '}
            Verified
          </span>
        )}
      </p>
      {ready?.changed && (
        <p className="secret-bar__changed" role="status" data-testid="security-code-changed">
          The security code with {contactName} changed: a device was added or replaced. Compare safety numbers again.
        </p>
      )}
      {status && 'error' in status && <p role="alert">{status.error}</p>}
      <button type="button" className="btn btn--secondary btn--xs" disabled={!ready} onClick={() => setOpen(true)} data-testid="safety-number-button">
        Safety number
      </button>
      {open && ready && (
        <SafetyNumberDialog
          contactName={contactName}
          number={ready.number}
          verified={ready.verified}
          onVerify={(v) => void setVerified(v)}
          onClose={() => setOpen(false)}
        />
      )}
    </div>
  );
}
