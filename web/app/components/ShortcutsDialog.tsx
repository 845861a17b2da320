/**
 * The "Keyboard shortcuts" dialog, opened with `?` anywhere in the chat shell outside a text
 * field. A modal <dialog> (ModalDialog: Escape closes it, focus returns where it was).
 */
import { ModalDialog } from './ModalDialog';

const SHORTCUTS: { keys: string[]; what: string }[] = [
  { keys: ['Ctrl', 'K'], what: 'Go to a chat by name (⌘ K on a Mac)' },
  { keys: ['Alt', '↑'], what: 'Previous chat in the list' },
  { keys: ['Alt', '↓'], what: 'Next chat in the list' },
  { keys: ['↑', '↓', 'Home', 'End'], what: 'Move between messages, or between search results' },
  { keys: ['↓'], what: 'From the search box into its results' },
  { keys: ['Enter'], what: 'In the search box: open the first result' },
  { keys: ['Esc'], what: 'Close a menu, picker, panel or this dialog' },
  { keys: ['?'], what: 'Show these shortcuts' },
];

export function ShortcutsDialog({ onClose }: { onClose(): void }) {
  return (
    <ModalDialog name="shortcuts" title="Keyboard shortcuts" closeLabel="Close keyboard shortcuts" onClose={onClose}>
      <dl className="shortcuts">
        {SHORTCUTS.map((s) => (
          <div key={s.what} className="shortcuts__row">
            <dt>
              {s.keys.map((k, i) => (
                <kbd key={i}>{k}</kbd>
              ))}
            </dt>
            <dd>{s.what}</dd>
          </div>
        ))}
      </dl>
    </ModalDialog>
  );
}

/** Whether a key press happened where typing `?` is text (a field), not a shortcut. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return Boolean(el && (el.isContentEditable || el.matches('input, textarea, select')));
}
