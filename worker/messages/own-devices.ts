/**
 * Telling a user's other tabs and devices, through the room they have open, of a private
 * mark they set on its messages (delete for me, star). Best effort: the mark is stored
 * already, and a device that misses the frame reads it when it opens the room again.
 */
import type { Context } from 'hono';
import type { OwnDevicesFrame } from '../../durable-objects/room/chat-room';
import { logFailure } from '../../durable-objects/shared/log-failure';
import type { AppEnv } from '../app-env';
import { roomObject } from '../rooms/queries';

export async function tellOwnDevices(c: Context<AppEnv>, roomId: string, frame: OwnDevicesFrame): Promise<void> {
  await roomObject(c.env, roomId)
    .toOwnDevices(roomId, c.var.user.userId, frame)
    .catch((err: unknown) => logFailure(`telling my devices of a ${frame.type} message failed`, err, { room: roomId }));
}
