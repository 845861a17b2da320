/**
 * The bar at the top of a chat with pinned messages: the newest pin's text; clicking it
 * jumps to the message, and the bar moves on to the next older pin (round and round, as
 * Telegram does), so every pin is a click or two away.
 */
import { useEffect, useState } from 'react';
import type { Pin } from '../lib/protocol';
import type { WireMessage } from '../lib/protocol';
import { previewText } from '../lib/format';
import { CloseIcon, PinIcon } from './Icons';

interface Props {
  pins: readonly Pin[];
  bySeq: ReadonlyMap<number, WireMessage>;
  canUnpin: boolean;
  onJump(seq: number): void;
  onUnpin(seq: number): void;
}

export function PinnedBar({ pins, bySeq, canUnpin, onJump, onUnpin }: Props) {
  const [index, setIndex] = useState(0);
  // A new pin is shown first.
  useEffect(() => setIndex(0), [pins[0]?.seq, pins.length]); // eslint-disable-line react-hooks/exhaustive-deps
  if (pins.length === 0) return null;
  const pin = pins[Math.min(index, pins.length - 1)]!;
  const message = bySeq.get(pin.seq);
  const text = message ? previewText(message) : 'Pinned message';
  return (
    <div className="pinned-bar" data-testid="pinned-bar" data-seq={pin.seq}>
      <button
        type="button"
        className="pinned-bar__jump"
        onClick={() => {
          onJump(pin.seq);
          setIndex((i) => (i + 1) % pins.length);
        }}
        data-testid="pinned-bar-jump"
      >
        <PinIcon size={16} />
        <span className="pinned-bar__text">
          <strong>{pins.length > 1 ? `Pinned message ${index + 1} of ${pins.length}` : 'Pinned message'}</strong>
          <span data-testid="pinned-text">{text}</span>
        </span>
      </button>
      {canUnpin && (
        <button type="button" className="icon-btn icon-btn--sm" aria-label="Unpin this message" onClick={() => onUnpin(pin.seq)} data-testid="pinned-bar-unpin">
          <CloseIcon size={16} />
        </button>
      )}
    </div>
  );
}
