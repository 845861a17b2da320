/**
 * Until the address is confirmed, a reminder above the conversation list: the account works
 * meanwhile, but a forgotten password can only be reset through a confirmed address.
 * "Later" hides it for this browser session.
 */
import { Link } from '@remix-run/react';
import { useEffect, useState } from 'react';
import { api } from '../../services/api';

const DISMISSED = 'edge-chat:email-reminder-dismissed';

export function EmailReminder() {
  const [show, setShow] = useState(false);
  useEffect(() => {
    if (sessionStorage.getItem(DISMISSED)) return;
    let live = true;
    api.me().then(
      (r) => live && setShow(!r.account.emailVerified),
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);
  if (!show) return null;
  return (
    <div className="email-reminder" role="status" data-testid="email-reminder">
      <span>
        Confirm your email address: we sent you a link. <Link to="/chat/account">Account settings</Link>
      </span>
      <button
        type="button"
        className="link-btn"
        onClick={() => {
          sessionStorage.setItem(DISMISSED, '1');
          setShow(false);
        }}
      >
        Later
      </button>
    </div>
  );
}
