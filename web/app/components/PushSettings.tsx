/**
 * "Notifications on this device" on the account page: turn Web Push on or off for this
 * browser, and choose private previews ("New message" instead of the sender and text, for a
 * lock screen other people can see). The choice is per device: a phone and a desk differ.
 */
import { useEffect, useState } from 'react';
import { api, errorMessage, type PushSetting } from '../services/api';
import { disablePush, enablePush, pushSupported } from '../lib/web-push';
import { FormError } from './FormError';

export function PushSettings() {
  const [setting, setSetting] = useState<PushSetting | null>(null);
  const [privatePreviews, setPrivatePreviews] = useState(false);
  const [supported, setSupported] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setSupported(pushSupported());
    api
      .pushSubscription()
      .then((s) => {
        setSetting(s);
        setPrivatePreviews(s.privatePreviews);
      })
      .catch((err: unknown) => setError(errorMessage(err)));
  }, []);

  const apply = async (on: boolean, previews: boolean) => {
    setBusy(true);
    setError(null);
    try {
      if (on) setSetting(await enablePush(previews));
      else {
        await disablePush();
        setSetting({ subscribed: false, privatePreviews: previews });
      }
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const on = setting?.subscribed ?? false;
  return (
    <section className="stack" aria-labelledby="push-title" data-testid="push-settings">
      <h2 id="push-title" className="section-title">
        Notifications on this device
      </h2>
      <p className="muted" role="status" data-testid="push-state">
        {!supported
          ? 'This browser cannot notify you while the app is closed.'
          : on
            ? 'On: new messages and calls reach this device even when the app is closed.'
            : 'Off: you are notified only while the app is open.'}
      </p>
      <label className="field field--inline">
        <input
          type="checkbox"
          checked={privatePreviews}
          disabled={busy}
          onChange={(e) => {
            const previews = e.target.checked;
            setPrivatePreviews(previews);
            if (on) void apply(true, previews);
          }}
          data-testid="push-private-previews"
        />
        <span>Private previews: show “New message” without the sender or text</span>
      </label>
      <FormError message={error} testId="push-error" />
      {supported && (
        <button type="button" className="btn btn--secondary" disabled={busy || setting === null} onClick={() => void apply(!on, privatePreviews)} data-testid="push-toggle">
          {on ? 'Turn off notifications here' : 'Turn on notifications here'}
        </button>
      )}
    </section>
  );
}
