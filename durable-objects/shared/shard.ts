/**
 * Which of a few shard objects a key lives in: FNV-1a of the key, modulo the
 * number of shards, so the same key always lands on the same object and a list
 * of keys is at most `shards` calls whatever its length.
 */
export function shardOf(key: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shards;
}

/** `items` grouped by the shard of their key, each group in the order given. */
export function groupByShard<T>(items: T[], keyOf: (item: T) => string, shards: number): Map<number, T[]> {
  const byShard = new Map<number, T[]>();
  for (const item of items) {
    const shard = shardOf(keyOf(item), shards);
    let group = byShard.get(shard);
    if (!group) byShard.set(shard, (group = []));
    group.push(item);
  }
  return byShard;
}
