/**
 * The API's read path: concurrent status reads of one pipeline share one workflow query,
 * recent answers are served without one, a slow workflow never holds a read longer than
 * the refresh wait while a bounded-stale answer exists, and nothing older than the bound
 * is ever served.
 */
import { describe, expect, it } from 'vitest';
import { ReadCache, type ReadCacheOptions } from '../../api/temporal/read-cache.js';

function setup(overrides: Partial<ReadCacheOptions> = {}) {
  let clock = 1_000_000;
  const cache = new ReadCache({
    freshMs: 1_000, maxStalenessMs: 10_000, refreshWaitMs: 20, maxEntries: 100, now: () => clock, ...overrides,
  });
  let calls = 0;
  const gates: Array<(v: string) => void> = [];
  const slowFetch = () => {
    calls++;
    return new Promise<string>((resolve) => gates.push(resolve));
  };
  const fetchValue = (value: string) => () => {
    calls++;
    return Promise.resolve(value);
  };
  return {
    cache,
    advance: (ms: number) => { clock += ms; },
    calls: () => calls,
    slowFetch,
    fetchValue,
    release: (value: string) => gates.shift()?.(value),
  };
}

describe('read cache', () => {
  it('coalesces 20 concurrent reads of one pipeline into one query', async () => {
    const t = setup();
    const reads = Array.from({ length: 20 }, () => t.cache.read('p1', 'status', t.slowFetch));
    t.release('v1');
    const results = await Promise.all(reads);
    expect(t.calls()).toBe(1);
    expect(results.every((r) => r.value === 'v1')).toBe(true);
  });

  it('serves an answer younger than freshMs without asking, and states its age', async () => {
    const t = setup();
    await t.cache.read('p1', 'status', t.fetchValue('v1'));
    t.advance(600);
    const read = await t.cache.read('p1', 'status', t.fetchValue('v2'));
    expect(t.calls()).toBe(1);
    expect(read).toMatchObject({ value: 'v1', freshness: { ageMs: 600, maxStalenessMs: 10_000, source: 'cache' } });
  });

  it('asks again once the answer is older than freshMs', async () => {
    const t = setup();
    await t.cache.read('p1', 'status', t.fetchValue('v1'));
    t.advance(1_500);
    const read = await t.cache.read('p1', 'status', t.fetchValue('v2'));
    expect(t.calls()).toBe(2);
    expect(read).toMatchObject({ value: 'v2', freshness: { ageMs: 0, source: 'query' } });
  });

  it('serves the bounded-stale answer when the workflow is slow, and refreshes in the background', async () => {
    const t = setup();
    await t.cache.read('p1', 'status', t.fetchValue('v1'));
    t.advance(5_000);
    const started = Date.now();
    const read = await t.cache.read('p1', 'status', t.slowFetch);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(read).toMatchObject({ value: 'v1', freshness: { ageMs: 5_000, source: 'cache' } });
    t.release('v2');
    await new Promise((r) => setTimeout(r, 0));
    const next = await t.cache.read('p1', 'status', t.fetchValue('v3'));
    expect(next.value).toBe('v2');
    expect(t.calls()).toBe(2);
  });

  it('never serves an answer older than maxStalenessMs: the read waits for the workflow', async () => {
    const t = setup();
    await t.cache.read('p1', 'status', t.fetchValue('v1'));
    t.advance(10_001);
    const pending = t.cache.read('p1', 'status', t.slowFetch);
    let settled = false;
    void pending.then(() => { settled = true; });
    await new Promise((r) => setTimeout(r, 60));
    expect(settled).toBe(false);
    t.release('v2');
    expect((await pending).value).toBe('v2');
  });

  it('does not cache failures: every waiter sees the error and the next read asks again', async () => {
    const t = setup();
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error('worker down'));
    };
    const results = await Promise.allSettled([t.cache.read('p1', 'status', failing), t.cache.read('p1', 'status', failing)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
    await expect(t.cache.read('p1', 'status', failing)).rejects.toThrow('worker down');
    expect(calls).toBe(2);
  });

  it('forgets a pipeline after a write, so its next read asks the workflow', async () => {
    const t = setup();
    await t.cache.read('p1', 'status', t.fetchValue('before'));
    await t.cache.read('p2', 'status', t.fetchValue('other'));
    t.cache.forget('p1');
    expect((await t.cache.read('p1', 'status', t.fetchValue('after'))).value).toBe('after');
    expect((await t.cache.read('p2', 'status', t.fetchValue('unused'))).value).toBe('other');
  });

  it('keeps at most maxEntries answers', async () => {
    const t = setup({ maxEntries: 3 });
    for (let i = 0; i < 10; i++) await t.cache.read(`p${i}`, 'status', t.fetchValue(`v${i}`));
    expect(t.cache.size).toBe(3);
  });
});
