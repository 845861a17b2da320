/** The account page's "Blocked people": everyone I blocked, each with Unblock. */
import { useBlockedUsers } from '../hooks/useBlockedUsers';
import { formatFull } from '../lib/format';
import { FormError } from './FormError';

export function BlockedList() {
  const { list, error, unblock } = useBlockedUsers();
  return (
    <section className="stack" aria-labelledby="blocked-title">
      <h2 id="blocked-title" className="section-title">
        Blocked people
      </h2>
      <FormError message={error} testId="blocked-error" />
      {list && list.length === 0 && (
        <p className="muted" data-testid="blocked-empty">
          You haven't blocked anyone.
        </p>
      )}
      <ul className="member-list" data-testid="blocked-list">
        {list?.map((b) => (
          <li key={b.id} className="member" data-testid="blocked-person" data-username={b.username}>
            <span className="member__names">
              <span>{b.displayName}</span>
              <span className="muted">
                @{b.username} · blocked {formatFull(b.blockedAt)}
              </span>
            </span>
            <button type="button" className="btn btn--secondary btn--xs" onClick={() => void unblock(b.username)} aria-label={`Unblock @${b.username}`} data-testid="blocked-unblock">
              Unblock
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
