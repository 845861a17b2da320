/**
 * /chat/calls: my calls across every chat, newest first (GET /api/calls), like a phone's call
 * log. Older calls load a page at a time.
 */
import type { MetaFunction } from '@remix-run/cloudflare';
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage, type CallHistoryEntry } from '../services/api';
import { CallHistoryRow } from '../components/CallHistoryRow';
import { PagePanel } from '../components/PagePanel';

export const meta: MetaFunction = () => [{ title: 'Calls · edge-chat' }];

export default function CallsRoute() {
  const [calls, setCalls] = useState<CallHistoryEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (before: string | null) => {
    setLoading(true);
    setError(null);
    try {
      const page = await api.callHistory(before);
      setCalls((shown) => [...(before ? (shown ?? []) : []), ...page.calls]);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(null);
  }, [load]);

  return (
    <PagePanel name="calls-page" title="Calls" closeLabel="Close calls" testId="calls-page">
      <div className="calls-page__body" aria-busy={loading}>
        {error && (
          <p className="messages__error" role="alert">
            {error}
          </p>
        )}
        {calls?.length === 0 && <p className="muted calls-page__empty">No calls yet. Start one from a chat’s header.</p>}
        {calls && calls.length > 0 && (
          <ul className="calls-page__list" aria-label="Recent calls">
            {calls.map((call) => (
              <CallHistoryRow key={call.id} call={call} />
            ))}
          </ul>
        )}
        {loading && <span className="spinner" role="status" aria-label="Loading calls" />}
        {!loading && cursor && (
          <button type="button" className="btn btn--secondary calls-page__more" onClick={() => void load(cursor)} data-testid="calls-more">
            Show older calls
          </button>
        )}
      </div>
    </PagePanel>
  );
}
