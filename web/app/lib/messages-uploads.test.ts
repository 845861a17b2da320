import { describe, expect, it } from 'vitest';
import type { Attachment } from './protocol';
import { initialMessages, messagesReducer, type MessagesAction, type MessagesState, type PendingMessage } from './messages';

const ROOM = 'room-1';
const run = (...actions: MessagesAction[]): MessagesState =>
  actions.reduce(messagesReducer, messagesReducer(initialMessages, { type: 'reset', roomId: ROOM, pending: [] }));

const uploading: PendingMessage = {
  clientId: 'up-1',
  content: '',
  replyToSeq: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  status: 'uploading',
  upload: { kind: 'image', name: 'cat.png', size: 10, contentType: 'image/png', progress: 0 },
};

const attachment: Attachment = {
  id: 'a-1',
  kind: 'image',
  name: 'cat.png',
  size: 10,
  contentType: 'image/png',
  width: 4,
  height: 3,
  durationMs: null,
  thumbnail: true,
};

describe('messagesReducer: uploads', () => {
  it('tracks progress, becomes sendable once uploaded, and the ack shows it as an image message', () => {
    let s = run({ type: 'queued', message: uploading }, { type: 'upload', clientId: 'up-1', progress: 0.5 });
    expect(s.pending[0]).toMatchObject({ status: 'uploading', upload: { progress: 0.5 } });
    s = messagesReducer(s, { type: 'upload', clientId: 'up-1', attachment });
    expect(s.pending[0]).toMatchObject({ status: 'sending', attachment });
    s = messagesReducer(s, { type: 'ack', clientId: 'up-1', id: 'm-1', seq: 1, createdAt: '2026-01-01T00:00:01.000Z', me: 'me', roomId: ROOM });
    expect(s.pending).toEqual([]);
    expect(s.bySeq.get(1)).toMatchObject({ type: 'image', attachment, content: '' });
  });

  it('a failed upload is retried as an upload, a failed send of an uploaded file as a send', () => {
    let s = run({ type: 'queued', message: uploading }, { type: 'upload', clientId: 'up-1', error: 'Upload failed' });
    expect(s.pending[0]).toMatchObject({ status: 'failed', error: 'Upload failed' });
    s = messagesReducer(s, { type: 'retry', clientId: 'up-1' });
    expect(s.pending[0]!.status).toBe('uploading');
    s = messagesReducer(s, { type: 'upload', clientId: 'up-1', attachment });
    s = messagesReducer(s, { type: 'failed', clientId: 'up-1', error: 'nope' });
    s = messagesReducer(s, { type: 'retry', clientId: 'up-1' });
    expect(s.pending[0]!.status).toBe('sending');
  });
});
