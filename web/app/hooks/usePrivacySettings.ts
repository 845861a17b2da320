/**
 * My privacy settings for the account page: loaded once, each change saved at once
 * (the server applies it to my open chats live). A failed save puts the last saved
 * value back, so the radios never show a setting the server does not have. The radios
 * stay enabled while saving (disabling one would drop keyboard focus); only the answer to
 * the latest change is applied.
 */
import { useEffect, useRef, useState } from 'react';
import { api, errorMessage, type PrivacySettings } from '../services/api';

export function usePrivacySettings() {
  const [saved, setSaved] = useState<PrivacySettings | null>(null);
  const [shown, setShown] = useState<PrivacySettings | null>(null);
  const latest = useRef(0);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.privacy().then(
      ({ privacy }) => {
        setSaved(privacy);
        setShown(privacy);
      },
      (err: unknown) => setError(errorMessage(err)),
    );
  }, []);

  const change = async (changes: Partial<PrivacySettings>) => {
    if (!saved || !shown) return;
    const next = { ...shown, ...changes };
    setShown(next);
    setError(null);
    setStatus(null);
    const mine = ++latest.current;
    try {
      const { privacy } = await api.setPrivacy(next);
      if (mine !== latest.current) return;
      setSaved(privacy);
      setShown(privacy);
      setStatus('Privacy settings saved.');
    } catch (err) {
      if (mine !== latest.current) return;
      setShown(saved);
      setError(errorMessage(err));
    }
  };

  return { settings: shown, status, error, change };
}
