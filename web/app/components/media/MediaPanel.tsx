/**
 * "Media, files and links" of one chat, in its info panel: three tabs (pictures as a grid that
 * opens the viewer, files as a list to download, links as a list), each paged from the server
 * newest first. A secret chat's pictures and files are end-to-end encrypted: the server holds
 * only ciphertext, so nothing is listed here. Loaded on demand (the panel is code-split).
 */
import { useRef, useState, type KeyboardEvent } from 'react';
import type { MediaKind } from '../../services/api';
import type { WireMessage } from '../../lib/protocol';
import { useMediaPages } from '../../hooks/useMediaPages';
import { linkParts } from '../../lib/text';
import { formatFull } from '../../lib/format';
import { AttachmentView, PictureButton } from '../attachments/AttachmentView';
import { PictureViewerProvider, useOpenPicture } from '../attachments/PictureViewer';

const TABS: { kind: MediaKind; label: string; empty: string }[] = [
  { kind: 'pictures', label: 'Pictures', empty: 'No pictures in this chat yet.' },
  { kind: 'files', label: 'Files', empty: 'No files in this chat yet.' },
  { kind: 'links', label: 'Links', empty: 'No links in this chat yet.' },
];

interface Props {
  roomId: string;
  secret: boolean;
}

export default function MediaPanel({ roomId, secret }: Props) {
  const [kind, setKind] = useState<MediaKind>('pictures');
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  if (secret) {
    return (
      <p className="muted" data-testid="media-secret">
        This is a secret chat: its pictures, files and links are end-to-end encrypted and stay on your devices, in the chat itself.
      </p>
    );
  }
  const onKeyDown = (e: KeyboardEvent) => {
    const at = TABS.findIndex((t) => t.kind === kind);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: TABS.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = (to + TABS.length) % TABS.length;
    setKind(TABS[next]!.kind);
    tabs.current[next]?.focus();
  };
  const tab = TABS.find((t) => t.kind === kind)!;
  return (
    <div className="media-panel stack" data-testid="media-panel">
      <div className="media-tabs" role="tablist" aria-label="Media, files and links" onKeyDown={onKeyDown}>
        {TABS.map((t, i) => (
          <button
            key={t.kind}
            ref={(el) => {
              tabs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`media-tab-${t.kind}`}
            aria-selected={t.kind === kind}
            aria-controls="media-tabpanel"
            tabIndex={t.kind === kind ? 0 : -1}
            onClick={() => setKind(t.kind)}
            data-testid={`media-tab-${t.kind}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="media-tabpanel" aria-labelledby={`media-tab-${kind}`} data-testid="media-tabpanel">
        <MediaList key={kind} roomId={roomId} kind={kind} empty={tab.empty} />
      </div>
    </div>
  );
}

function MediaList({ roomId, kind, empty }: { roomId: string; kind: MediaKind; empty: string }) {
  const pages = useMediaPages(roomId, kind);
  const { messages, loading, error, hasMore } = pages;
  return (
    <>
      {kind === 'pictures' ? (
        <PictureViewerProvider pictures={() => messages.map((m) => ({ roomId, attachment: m.attachment! }))}>
          <ul className="media-grid" aria-label="Pictures" data-testid="media-pictures">
            {messages.map((m) => (
              <li key={m.seq}>
                <MediaPicture message={m} />
              </li>
            ))}
          </ul>
        </PictureViewerProvider>
      ) : (
        <ul className="media-list" aria-label={kind === 'files' ? 'Files' : 'Links'} data-testid={`media-${kind}`}>
          {messages.map((m) => (
            <li key={m.seq}>{kind === 'files' ? <AttachmentView roomId={roomId} attachment={m.attachment!} /> : <MessageLinks message={m} />}</li>
          ))}
        </ul>
      )}
      {loading && <span className="spinner" role="status" aria-label="Loading" />}
      {error && (
        <p className="form-error" role="alert">
          {error}{' '}
          <button type="button" className="link-btn" onClick={pages.more}>
            Try again
          </button>
        </p>
      )}
      {!loading && !error && messages.length === 0 && <p className="muted">{empty}</p>}
      {hasMore && !loading && !error && (
        <button type="button" className="btn btn--ghost" onClick={pages.more} data-testid="media-more">
          Show older
        </button>
      )}
    </>
  );
}

function MediaPicture({ message: m }: { message: WireMessage }) {
  const { open, viewer } = useOpenPicture();
  const a = m.attachment!;
  return (
    <>
      <PictureButton roomId={m.roomId} attachment={a} className="album-grid__tile" onOpen={() => open({ roomId: m.roomId, attachment: a })} testId="media-picture" />
      {viewer}
    </>
  );
}

/** A message's http(s) links, each opening in a new tab without telling the site where it came from. */
function MessageLinks({ message: m }: { message: WireMessage }) {
  const links = [...new Set(linkParts(m.content).flatMap((p) => (p.href && /^https?:/i.test(p.href) ? [p.href] : [])))];
  return (
    <div className="media-list__link" data-testid="media-link">
      {links.map((href) => (
        <a key={href} href={href} target="_blank" rel="noopener noreferrer nofollow">
          {href}
        </a>
      ))}
      <time className="media-list__when" dateTime={m.createdAt}>
        {formatFull(m.createdAt)}
      </time>
    </div>
  );
}
