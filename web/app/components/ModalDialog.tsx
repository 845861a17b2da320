/**
 * A modal <dialog> with a titled header and a close button, shown while mounted
 * (useModalDialog: the browser's focus trap, Escape closes, focus returns where it was).
 * `name` makes the ids and test ids: `<name>-title`, `<name>-dialog`, `<name>-close`.
 */
import type { ReactNode } from 'react';
import { useModalDialog } from '../hooks/useModalDialog';
import { CloseIcon } from './Icons';

interface Props {
  name: string;
  title: string;
  closeLabel: string;
  onClose(): void;
  children: ReactNode;
}

export function ModalDialog({ name, title, closeLabel, onClose, children }: Props) {
  const ref = useModalDialog();
  return (
    <dialog
      ref={ref}
      className="profile-dialog"
      // Shown with showModal(): said explicitly too, for assistive technology that reads only the attribute.
      aria-modal="true"
      aria-labelledby={`${name}-title`}
      data-testid={`${name}-dialog`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <header className="profile-dialog__head">
        <h2 id={`${name}-title`}>{title}</h2>
        <button type="button" className="icon-btn" aria-label={closeLabel} onClick={onClose} data-testid={`${name}-close`}>
          <CloseIcon size={20} />
        </button>
      </header>
      {children}
    </dialog>
  );
}
