/**
 * Sending in a secret chat (docs/e2e.md): the text, and a file encrypted here with a key of
 * its own, are sealed for every device of both people before anything leaves the page; the
 * outbox then carries the sealed message like any other (send_secret). Only after the
 * sealing is the message queued, so the outbox never holds plaintext meant for the server.
 */
import { useCallback } from 'react';
import type { Attachment } from '../lib/protocol';
import { newClientId, type MessagesAction } from '../lib/messages';
import { encryptFile, type SecretFile } from '../lib/e2e/payload';
import { errorMessage } from '../services/api';
import { putFile } from '../services/uploads';
import { secretChatsFor } from '../services/secret-chats-lazy';

function uploadSealed(roomId: string, bytes: Uint8Array): Promise<Attachment> {
  return putFile<{ attachment: Attachment }>({
    method: 'POST',
    path: `/api/rooms/${encodeURIComponent(roomId)}/attachments?kind=file&sealed=1`,
    body: new Blob([bytes as BlobPart], { type: 'application/octet-stream' }),
    onProgress: () => {},
    signal: AbortSignal.timeout(120_000),
  }).then((r) => r.attachment);
}

export function useSecretSend(roomId: string, me: string, memberIds: string[], dispatch: (a: MessagesAction) => void, say: (text: string) => void) {
  const key = memberIds.join(',');
  return useCallback(
    async (text: string, file?: File) => {
      try {
        const secrets = await secretChatsFor(me);
        const clientId = newClientId();
        let secretFile: SecretFile | undefined;
        let attachment: Attachment | undefined;
        if (file) {
          const encrypted = await encryptFile(new Uint8Array(await file.arrayBuffer()));
          attachment = await uploadSealed(roomId, encrypted.ciphertext);
          secretFile = { id: attachment.id, key: encrypted.key, iv: encrypted.iv, name: file.name || 'file', type: file.type, size: file.size };
        }
        const sealed = await secrets.seal(key.split(','), { text, ...(secretFile ? { file: secretFile } : {}) }, clientId);
        dispatch({
          type: 'queued',
          message: { clientId, content: text || (file ? `🔒 ${file.name}` : ''), replyToSeq: null, createdAt: new Date().toISOString(), status: 'sending', sealed, ...(attachment ? { attachment } : {}) },
        });
      } catch (err) {
        say(`Could not encrypt that message: ${errorMessage(err)}`);
      }
    },
    [roomId, me, key, dispatch, say],
  );
}
