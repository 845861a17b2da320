import { Link } from '@remix-run/react';
import { ChatIcon } from '../components/Icons';

export default function NoConversation() {
  return (
    <div className="empty-state empty-state--main" data-testid="no-conversation">
      <span className="empty-state__icon">
        <ChatIcon size={36} />
      </span>
      <h2>Pick a conversation</h2>
      <p className="muted">Choose one on the left, or start a new one.</p>
      <Link to="/chat/new" className="btn btn--primary">
        New conversation
      </Link>
    </div>
  );
}
