import type { WireMessage } from '../../durable-objects/protocol';

/** A text message as a room would store it, one second apart by seq: for tests below the room. */
export function wireMessage(roomId: string, seq: number, senderId: string, extra: Partial<WireMessage> = {}): WireMessage {
  return {
    id: crypto.randomUUID(),
    roomId,
    seq,
    senderId,
    clientId: `c${seq}`,
    type: 'text',
    content: `text ${seq}`,
    replyToSeq: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    editedAt: null,
    deletedAt: null,
    reactions: [],
    ...extra,
  };
}
