/**
 * The secret-chat service, loaded on first use: its cryptography (@noble/*) stays out of
 * the chat page's first bundle for everyone who never opens a secret chat.
 */
import type { SecretChats } from './secret-chats';

export function secretChatsFor(userId: string): Promise<SecretChats> {
  return import('./secret-chats').then((m) => m.SecretChats.for(userId));
}
