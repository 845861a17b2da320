/**
 * A message's "More actions" menu: reply in thread, forward, copy text, pin, star, delete for me. A menu
 * button with a role="menu" list: arrow keys move, Home/End jump, Escape closes and puts
 * the focus back on the button.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { WireMessage } from '../lib/protocol';
import { CopyIcon, ForwardIcon, MoreIcon, PinIcon, ReplyIcon, StarIcon, TrashIcon } from './Icons';

/** What the server forwards: text, and pictures, files and voice notes (copied into each chat); never a secret chat's. */
const FORWARDABLE: ReadonlySet<WireMessage['type']> = new Set(['text', 'image', 'file', 'voice']);

export type MessageAction = 'thread' | 'forward' | 'copy' | 'pin' | 'unpin' | 'star' | 'unstar' | 'hide';

interface Props {
  message: WireMessage;
  pinned: boolean;
  starred: boolean;
  canPin: boolean;
  /** Offer "Reply in thread" (not on replies, system lines or in secret chats). */
  canThread?: boolean;
  onAction(action: MessageAction, message: WireMessage): void;
}

export function MessageMenu({ message: m, pinned, starred, canPin, canThread, onAction }: Props) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (e: MouseEvent) => {
      if (!menu.current?.contains(e.target as Node) && e.target !== button.current) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const items: { action: MessageAction; label: string; icon: JSX.Element }[] = [
    ...(canThread ? [{ action: 'thread' as const, label: 'Reply in thread', icon: <ReplyIcon size={16} /> }] : []),
    ...(FORWARDABLE.has(m.type) ? [{ action: 'forward' as const, label: 'Forward…', icon: <ForwardIcon size={16} /> }] : []),
    ...(m.content ? [{ action: 'copy' as const, label: 'Copy text', icon: <CopyIcon size={16} /> }] : []),
    ...(canPin ? [{ action: pinned ? ('unpin' as const) : ('pin' as const), label: pinned ? 'Unpin' : 'Pin', icon: <PinIcon size={16} /> }] : []),
    { action: starred ? 'unstar' : 'star', label: starred ? 'Unstar' : 'Star', icon: <StarIcon size={16} /> },
    { action: 'hide', label: 'Delete for me', icon: <TrashIcon size={16} /> },
  ];

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const all = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = all.indexOf(document.activeElement as HTMLElement);
    const to = { ArrowDown: at + 1, ArrowUp: at - 1 + all.length, Home: 0, End: all.length - 1 }[e.key];
    if (to !== undefined) {
      e.preventDefault();
      all[to % all.length]?.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'Tab') {
      setOpen(false);
    }
  };

  return (
    <>
      <button
        ref={button}
        type="button"
        className="icon-btn icon-btn--sm"
        aria-label="More actions"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        data-testid="message-more"
      >
        <MoreIcon size={16} />
      </button>
      {open && (
        <ul className="message-menu" role="menu" aria-label="Message actions" ref={menu} onKeyDown={onKeyDown} data-testid="message-menu">
          {items.map((item) => (
            <li key={item.action} role="none">
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                className="message-menu__item"
                onClick={() => {
                  close();
                  onAction(item.action, m);
                }}
                data-testid={`message-action-${item.action}`}
              >
                {item.icon}
                {item.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
