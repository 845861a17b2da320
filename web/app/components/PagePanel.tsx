/** A page of the chat shell shown as a side panel (the account, the Calls screen): its heading and a way back to the chats. */
import { Link } from '@remix-run/react';
import type { ReactNode } from 'react';
import { CloseIcon } from './Icons';

interface Props {
  /** Names the heading's id (`<name>-title`) and the section's class. */
  name: string;
  title: string;
  closeLabel: string;
  testId: string;
  children: ReactNode;
}

export function PagePanel({ name, title, closeLabel, testId, children }: Props) {
  return (
    <section className={`side-panel ${name}`} aria-labelledby={`${name}-title`} data-testid={testId}>
      <header className="panel__header">
        <h1 id={`${name}-title`}>{title}</h1>
        <Link to="/chat" className="icon-btn" aria-label={closeLabel}>
          <CloseIcon />
        </Link>
      </header>
      {children}
    </section>
  );
}
