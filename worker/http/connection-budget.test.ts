import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError } from '../../drizzle/connection';
import { ConnectionBudget } from './connection-budget';

describe('ConnectionBudget', () => {
  it('lets `max` holders in, queues the rest in order, and hands a released slot to the next', async () => {
    const budget = new ConnectionBudget(2);
    const first = await budget.acquire(1000);
    const second = await budget.acquire(1000);
    const order: string[] = [];
    const third = budget.acquire(1000).then((release) => (order.push('third'), release));
    const fourth = budget.acquire(1000).then((release) => (order.push('fourth'), release));
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]);
    first();
    first(); // a second release of the same slot gives nothing back
    (await third)();
    second();
    (await fourth)();
    expect(order).toEqual(['third', 'fourth']);
  });

  it('gives up waiting at the deadline with a "database unavailable" error, and the queue moves on', async () => {
    const budget = new ConnectionBudget(1);
    const held = await budget.acquire(1000);
    await expect(budget.acquire(30)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    const next = budget.acquire(1000);
    held();
    (await next)();
  });
});
