/**
 * The body of a secret chat's message (docs/e2e.md): opened on this device (or read from
 * its store), never from the server. A picture's bytes are fetched as ciphertext and
 * decrypted here; a message sent before this device existed says so.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { WireMessage } from '../lib/protocol';
import type { StoredPlaintext } from '../lib/e2e/device-store';
import { decryptFile, type SecretFile } from '../lib/e2e/payload';
import { fetchAttachment } from '../services/uploads';
import { secretChatsFor } from '../services/secret-chats-lazy';
import { errorMessage } from '../services/api';

const UNREADABLE = {
  not_for_this_device: 'This message was sent before this device joined the secret chat: it cannot be read here.',
  undecryptable: 'This message could not be decrypted on this device.',
} as const;

function useOpened(message: WireMessage, me: string): StoredPlaintext | { error: string } | null {
  const [opened, setOpened] = useState<StoredPlaintext | { error: string } | null>(null);
  useEffect(() => {
    let live = true;
    secretChatsFor(me)
      .then((s) => s.open(message))
      .then(
        (result) => live && setOpened(result),
        (err: unknown) => live && setOpened({ error: errorMessage(err) }),
      );
    return () => {
      live = false;
    };
  }, [message.roomId, message.seq, me]); // eslint-disable-line react-hooks/exhaustive-deps
  return opened;
}

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

function SecretAttachment({ roomId, file }: { roomId: string; file: SecretFile }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    let made: string | null = null;
    fetchAttachment(roomId, file.id, 'full')
      .then(async (blob) => decryptFile(new Uint8Array(await blob.arrayBuffer()), file))
      .then(
        (bytes) => {
          // Typed by the sender inside the sealed message; only the four picture types are shown inline.
          made = URL.createObjectURL(new Blob([bytes as BlobPart], { type: IMAGE_TYPES.has(file.type) ? file.type : 'application/octet-stream' }));
          if (live) setUrl(made);
        },
        (err: unknown) => live && setError(errorMessage(err)),
      );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [roomId, file.id]); // eslint-disable-line react-hooks/exhaustive-deps
  if (error) return <span className="attachment-error" role="alert">{`${file.name}: ${error}`}</span>;
  if (!url) return <span className="secret-msg__loading">Decrypting {file.name}…</span>;
  if (IMAGE_TYPES.has(file.type)) return <img className="attachment-image" src={url} alt={file.name} data-testid="secret-image" />;
  return (
    <a className="attachment-file__name" href={url} download={file.name} data-testid="secret-file">
      {file.name}
    </a>
  );
}

export function SecretMessageBody({ message, me, renderText }: { message: WireMessage; me: string; renderText: (text: string) => ReactNode }) {
  const opened = useOpened(message, me);
  if (!opened) return <p className="bubble__text secret-msg__loading">Decrypting…</p>;
  if ('error' in opened) return <p className="bubble__text bubble__text--deleted" role="alert">{opened.error}</p>;
  if ('unreadable' in opened) {
    return (
      <p className="bubble__text bubble__text--deleted" data-testid="secret-unreadable">
        {UNREADABLE[opened.unreadable]}
      </p>
    );
  }
  return (
    <>
      {opened.payload.file && <SecretAttachment roomId={message.roomId} file={opened.payload.file} />}
      {opened.payload.text && renderText(opened.payload.text)}
    </>
  );
}
