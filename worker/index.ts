/** The Worker's entry: the Hono app and the Durable Object classes it binds. */
import { app } from './app';

export { UserInbox } from '../durable-objects/inbox/user-inbox';
export { OnlineDirectory } from '../durable-objects/presence/online-directory';
export { RateLimiter } from '../durable-objects/rate-limit/rate-limiter';
export { ChatRoom } from '../durable-objects/room/chat-room';

export default app satisfies ExportedHandler<import('../durable-objects/shared/env').Env>;
