import { Logo } from './Logo';

export function Splash({ text = 'Loading…' }: { text?: string }) {
  return (
    <main className="center-page splash" aria-busy="true">
      <Logo />
      <span className="spinner" role="status" aria-label={text} />
    </main>
  );
}
