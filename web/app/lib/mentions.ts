/** Mentions are found the same way by the app and by the inbox object that decides on a push. */
export { MENTION, mentionAt, mentions } from '../../../durable-objects/shared/mentions';
