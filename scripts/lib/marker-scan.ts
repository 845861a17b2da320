/**
 * Watches a process's output for a marker string (tests put one in every message,
 * file name and email they send, so that any log line carrying user data shows up):
 * counts the hits, across chunk boundaries, and keeps a few of the lines around them.
 */
const SAMPLES = 3;
const SAMPLE_CHARS = 300;

export class MarkerScan {
  hits = 0;
  readonly samples: string[] = [];
  /** The end of the output so far: a marker split across two chunks is still found, and its line shown. */
  private carry = '';

  constructor(readonly marker: string) {
    if (!marker) throw new Error('MarkerScan needs a non-empty marker');
  }

  feed(chunk: string): void {
    const text = this.carry + chunk;
    for (let at = text.indexOf(this.marker); at >= 0; at = text.indexOf(this.marker, at + this.marker.length)) {
      // A hit that lies wholly in the carry was counted with the previous chunk.
      if (at + this.marker.length <= this.carry.length) continue;
      this.hits += 1;
      if (this.samples.length < SAMPLES) this.samples.push(lineAround(text, at));
    }
    this.carry = text.slice(-Math.max(this.marker.length - 1, SAMPLE_CHARS));
  }

  /** Why the output is not clean, or undefined when it is. */
  report(what: string): string | undefined {
    if (this.hits === 0) return undefined;
    return `${what} printed the private marker ${this.hits} time(s), e.g.:\n${this.samples.map((s) => `  ${s}`).join('\n')}`;
  }
}

function lineAround(text: string, at: number): string {
  const start = text.lastIndexOf('\n', at) + 1;
  const end = text.indexOf('\n', at);
  const line = text.slice(start, end < 0 ? text.length : end);
  return line.length > SAMPLE_CHARS ? `${line.slice(0, SAMPLE_CHARS)}…` : line;
}
