/**
 * Tells my other tabs and devices that something of mine about a room changed (mute, pin,
 * archive, unread mark): their inbox socket gets `rooms_changed`, and they re-read the room
 * list. Best effort: the change is stored already, and the next list load shows it anyway.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';

export async function tellMyDevices(c: Context<AppEnv>, roomId: string): Promise<void> {
  const inbox = c.env.INBOXES.get(c.env.INBOXES.idFromName(c.var.user.userId));
  await inbox.roomsChanged(roomId, 'updated').catch(() => {});
}
