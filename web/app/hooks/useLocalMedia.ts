/** My microphone, camera and screen during a call (services/local-media.ts), as React state. */
import { useSyncExternalStore } from 'react';
import type { LocalMedia, LocalMediaState } from '../services/local-media';

export function useLocalMedia(media: LocalMedia): LocalMediaState {
  return useSyncExternalStore(media.subscribe, media.getState, media.getState);
}
