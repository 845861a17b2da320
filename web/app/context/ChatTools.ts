/**
 * What a conversation's header offers beyond the chat itself, provided by the chat shell:
 * searching (this chat or all), and muting. Null on pages without the shell (the embed page).
 */
import { createContext, useContext } from 'react';
import type { MuteDuration } from '../services/api';

export interface ChatTools {
  /** Opens the search panel, within one room or across all of mine. */
  openSearch(roomId: string | null): void;
  mute(roomId: string, duration: MuteDuration): Promise<void>;
}

export const ChatToolsContext = createContext<ChatTools | null>(null);

export function useChatTools(): ChatTools | null {
  return useContext(ChatToolsContext);
}
