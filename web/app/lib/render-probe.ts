/**
 * Render counting for the browser test of the chat's main-thread cost (issue 18): a component
 * calls countRender with its name and key; nothing is counted unless the page set
 * `window.__renderCounts` (a test does, before the app loads), so in production this is one
 * property read per render and records nothing.
 */
type Counts = Record<string, Record<string, number>>;

export function countRender(name: string, key: string | number): void {
  if (typeof window === 'undefined') return;
  const counts = (window as { __renderCounts?: Counts }).__renderCounts;
  if (!counts) return;
  const byKey = (counts[name] ??= {});
  byKey[key] = (byKey[key] ?? 0) + 1;
}
