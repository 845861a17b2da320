import { describe, expect, it } from 'vitest';
import { groupByShard, shardOf } from './shard';

describe('shardOf', () => {
  it('puts a key in the same shard every time, and spreads keys over all shards', () => {
    const keys = Array.from({ length: 400 }, (_, i) => `user-${i}`);
    expect(keys.map((k) => shardOf(k, 16))).toEqual(keys.map((k) => shardOf(k, 16)));
    expect(new Set(keys.map((k) => shardOf(k, 16))).size).toBe(16);
  });

  it('groups items by shard, keeping their order within a group', () => {
    const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
    const groups = groupByShard(keys, (k) => k, 4);
    expect([...groups.values()].flat().sort()).toEqual([...keys].sort());
    for (const [shard, group] of groups) {
      expect(group.every((k) => shardOf(k, 4) === shard)).toBe(true);
      expect(group).toEqual(keys.filter((k) => shardOf(k, 4) === shard));
    }
  });
});
