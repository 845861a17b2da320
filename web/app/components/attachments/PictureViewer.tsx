/**
 * One picture viewer per list of pictures (a chat's messages, the media tab): a picture opened
 * anywhere inside shows in the viewer with the list's other pictures a previous/next away.
 * The viewer's code is loaded only when a picture is first opened. Without a provider above
 * it, a picture opens alone.
 */
import { createContext, lazy, Suspense, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ViewerPicture } from './MediaViewer';

const MediaViewer = lazy(() => import('./MediaViewer'));

type Open = (picture: ViewerPicture) => void;
const OpenPicture = createContext<Open | null>(null);

interface Props {
  /** The pictures in order, read when one is opened (so the list can change freely meanwhile). */
  pictures(): readonly ViewerPicture[];
  children: ReactNode;
}

export function PictureViewerProvider({ pictures, children }: Props) {
  const [shown, setShown] = useState<{ list: readonly ViewerPicture[]; start: number } | null>(null);
  const read = useRef(pictures);
  read.current = pictures;
  const open = useCallback<Open>((picture) => {
    const list = read.current();
    const start = list.findIndex((p) => p.roomId === picture.roomId && p.attachment.id === picture.attachment.id);
    setShown(start >= 0 ? { list, start } : { list: [picture], start: 0 });
  }, []);
  return (
    <OpenPicture.Provider value={open}>
      {children}
      {shown && <Viewer list={shown.list} start={shown.start} onClose={() => setShown(null)} />}
    </OpenPicture.Provider>
  );
}

function Viewer({ list, start, onClose }: { list: readonly ViewerPicture[]; start: number; onClose(): void }) {
  return (
    <Suspense fallback={null}>
      <MediaViewer pictures={list} start={start} onClose={onClose} />
    </Suspense>
  );
}

/** Opens a picture: in the provider's viewer, or (with none above) in one of its own. */
export function useOpenPicture(): { open: Open; viewer: ReactNode } {
  const shared = useContext(OpenPicture);
  const [alone, setAlone] = useState<ViewerPicture | null>(null);
  const viewer = useMemo(() => (alone ? <Viewer list={[alone]} start={0} onClose={() => setAlone(null)} /> : null), [alone]);
  return { open: shared ?? setAlone, viewer };
}
