/**
 * The preview of the first http(s) link in the text being composed: asked of the Worker
 * (POST /api/rooms/:roomId/link-previews) once the text has rested a moment, shown above the
 * box, and removable. `linkToSend` is what the `send` frame names, or undefined when there is
 * no preview to attach (none yet, none possible, or removed by the sender).
 */
import { useEffect, useState } from 'react';
import type { LinkPreview } from '../lib/protocol';
import { previewKeyOf } from '../lib/protocol';
import { firstHttpLink } from '../lib/text';

/** Typing pauses this long before a preview is asked for: not one request per keystroke. */
const SETTLE_MS = 500;

export type LinkPreviewDraft =
  | { state: 'none' }
  | { state: 'loading'; link: string }
  | { state: 'ready'; link: string; preview: LinkPreview };

/** The link's preview, or null when the Worker could make none. */
export type FetchLinkPreview = (url: string, signal: AbortSignal) => Promise<LinkPreview | null>;

export function useLinkPreviewDraft(text: string, fetchPreview: FetchLinkPreview | undefined) {
  const link = fetchPreview ? firstHttpLink(text) : undefined;
  const key = link === undefined ? undefined : previewKeyOf(link);
  const [draft, setDraft] = useState<LinkPreviewDraft>({ state: 'none' });
  /** Links the sender removed the preview of: not offered again while composing. */
  const [removed, setRemoved] = useState<ReadonlySet<string>>(() => new Set());

  useEffect(() => {
    if (!link || !key || !fetchPreview || removed.has(key)) {
      setDraft({ state: 'none' });
      return;
    }
    setDraft((d) => (d.state === 'ready' && d.link === link ? d : { state: 'loading', link }));
    const abort = new AbortController();
    const timer = setTimeout(() => {
      fetchPreview(link, abort.signal).then(
        (preview) => !abort.signal.aborted && setDraft(preview ? { state: 'ready', link, preview } : { state: 'none' }),
        // No preview (refused, unreachable, not a page): the message simply goes without one.
        () => !abort.signal.aborted && setDraft({ state: 'none' }),
      );
    }, SETTLE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [link, key, fetchPreview, removed]);

  const current = draft.state !== 'none' && draft.link === link ? draft : ({ state: 'none' } as const);
  return {
    draft: current,
    linkToSend: current.state === 'ready' ? current.link : undefined,
    remove: () => key && setRemoved((r) => new Set(r).add(key)),
    /** After sending: a new message starts with nothing removed. */
    reset: () => setRemoved(new Set()),
  };
}
