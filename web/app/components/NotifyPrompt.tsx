/** Offered once, after my first message: desktop notifications are asked for only when I choose. */
import { BellIcon } from './Icons';

export function NotifyPrompt({ onEnable, onDismiss }: { onEnable(): void; onDismiss(): void }) {
  return (
    <div className="notify-prompt" role="dialog" aria-label="Desktop notifications" data-testid="notify-prompt">
      <BellIcon size={18} />
      <span>Get a notification when a message arrives while this tab is in the background?</span>
      <button type="button" className="btn btn--primary btn--xs" onClick={onEnable} data-testid="notify-enable">
        Turn on
      </button>
      <button type="button" className="link-btn" onClick={onDismiss} data-testid="notify-dismiss">
        Not now
      </button>
    </div>
  );
}
