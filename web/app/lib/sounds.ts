/**
 * The app's sounds, synthesised with Web Audio (no audio files, nothing from a CDN): a short
 * two-note chime for a new message and a repeating ring for an incoming call. Browsers start
 * an AudioContext suspended until the page has had a user gesture; `unlockAudio` is called on
 * the first click or key press, and sounds before that are skipped rather than queued.
 */
let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (typeof window === 'undefined' || typeof AudioContext === 'undefined') return null;
  context ??= new AudioContext();
  return context;
}

/** Resumes audio after a user gesture (autoplay policy); harmless to call often. */
export function unlockAudio(): void {
  const ctx = audio();
  if (ctx?.state === 'suspended') void ctx.resume().catch(() => {});
}

/** One soft sine note with a quick attack and exponential decay. */
function note(ctx: AudioContext, frequency: number, at: number, duration: number, volume: number) {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = 'sine';
  osc.frequency.setValueAtTime(frequency, at);
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(volume, at + 0.015);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + duration);
  osc.connect(gain).connect(ctx.destination);
  osc.start(at);
  osc.stop(at + duration + 0.02);
}

export function playMessageSound(): void {
  const ctx = audio();
  if (!ctx || ctx.state !== 'running') return;
  const t = ctx.currentTime;
  note(ctx, 880, t, 0.14, 0.12);
  note(ctx, 1318.5, t + 0.09, 0.2, 0.1);
}

const RING_EVERY_MS = 3000;

/** Rings until the returned function is called (or `maxMs` passes, whichever is first). */
export function startRingtone(maxMs = 35_000): () => void {
  const ring = () => {
    const ctx = audio();
    if (!ctx || ctx.state !== 'running') return;
    const t = ctx.currentTime;
    // Two bursts of a two-tone trill, like a phone.
    for (const offset of [0, 0.45]) {
      for (let i = 0; i < 6; i++) note(ctx, i % 2 ? 480 : 440 * 1.25, t + offset + i * 0.05, 0.06, 0.14);
    }
  };
  ring();
  const timer = setInterval(ring, RING_EVERY_MS);
  const stopAt = setTimeout(() => clearInterval(timer), maxMs);
  return () => {
    clearInterval(timer);
    clearTimeout(stopAt);
  };
}
