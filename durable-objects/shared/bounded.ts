/**
 * Runs `work` for each item with at most `limit` running at once, and settles like
 * Promise.allSettled: a fan-out to hundreds of objects in the background must not
 * start hundreds of calls in one go, which would queue ahead of every other request.
 */
export async function settleBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await work(items[i]!) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Calls to other objects one background fan-out keeps in flight. */
export const FAN_OUT_AT_ONCE = 16;
