/** The audience of a ws ticket for the user's inbox socket (room tickets name a room id). */
export const INBOX_AUDIENCE = 'inbox';
