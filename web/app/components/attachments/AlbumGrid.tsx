/**
 * Pictures sent together, as one grid in one bubble: two side by side, three as one large
 * and two small, four in a square; past four the fourth tile says "+N" for the rest. Every
 * picture (hidden ones through "+N") opens in the chat's viewer. Each tile carries its
 * message's anchor (`msg-<seq>`), so jumping to a quoted picture lands on its tile.
 */
import type { WireMessage } from '../../lib/protocol';
import { ALBUM_TILES } from '../../lib/albums';
import { PictureButton } from './AttachmentView';
import { useOpenPicture } from './PictureViewer';

interface Props {
  /** The album's messages, in order; every one a picture (lib/albums.ts). */
  messages: readonly WireMessage[];
}

export function AlbumGrid({ messages }: Props) {
  const { open, viewer } = useOpenPicture();
  const shown = messages.slice(0, ALBUM_TILES);
  const more = messages.length - shown.length;
  return (
    <div className={`album-grid album-grid--${shown.length}`} role="group" aria-label={`Album of ${messages.length} pictures`} data-testid="album-grid" data-count={messages.length}>
      {shown.map((m, i) => {
        const a = m.attachment!;
        const last = i === shown.length - 1 && more > 0;
        return (
          <PictureButton
            key={m.seq}
            // The first message's anchor is its row's.
            id={i === 0 ? undefined : `msg-${m.seq}`}
            roomId={m.roomId}
            attachment={a}
            className="album-grid__tile"
            label={last ? `Open picture ${a.name} and ${more} more` : `Open picture ${a.name}, ${i + 1} of ${messages.length}`}
            onOpen={() => open({ roomId: m.roomId, attachment: a })}
            testId="album-tile"
          >
            {last && (
              <span className="album-grid__more" aria-hidden="true" data-testid="album-more">
                +{more}
              </span>
            )}
          </PictureButton>
        );
      })}
      {viewer}
    </div>
  );
}
