/** A mesh of sockets per room stays cheap well past this; it bounds one fan-out's work. */
export const MAX_GROUP_MEMBERS = 256;
