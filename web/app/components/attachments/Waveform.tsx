/**
 * A voice note's waveform as bars (an SVG, no canvas: it scales and themes with CSS), the
 * played part in the accent colour. Decorative for screen readers: the audio element next
 * to it carries the controls and the time.
 */
export function Waveform({ peaks, progress }: { peaks: readonly number[]; progress: number }) {
  if (peaks.length === 0) return null;
  const played = Math.round(progress * peaks.length);
  return (
    <svg className="waveform" viewBox={`0 0 ${peaks.length * 3} 24`} preserveAspectRatio="none" aria-hidden="true" focusable="false" data-testid="voice-waveform">
      {peaks.map((p, i) => {
        const h = Math.max(2, (p / 100) * 24);
        return <rect key={i} x={i * 3} y={(24 - h) / 2} width={2} height={h} rx={1} className={i < played ? 'waveform__bar waveform__bar--played' : 'waveform__bar'} data-peak={p} />;
      })}
    </svg>
  );
}
