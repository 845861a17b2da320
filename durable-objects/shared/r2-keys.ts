/**
 * Where uploads live in the R2 bucket (binding FILES): the Worker stores and serves them, a room
 * deletes a message's file with it. Below both, so the room needs no Worker code for it.
 */
export const attachmentKey = (roomId: string, id: string) => `rooms/${roomId}/${id}`;
export const thumbnailKey = (roomId: string, id: string) => `rooms/${roomId}/${id}/thumbnail`;
export const avatarKey = (avatarId: string) => `avatars/${avatarId}`;
/** A group's picture: under the group, a new id per picture (its URL never changes meaning, so it caches forever). */
export const groupAvatarKey = (roomId: string, avatarId: string) => `groups/${roomId}/${avatarId}`;
