/**
 * The API's read path: once a pipeline has been read, its reads are served from a
 * snapshot and never wait for the workflow; refreshes happen in the background, one per
 * snapshot and a bounded number at once; nothing older than the staleness bound is
 * served; a write through the API is read back; failures are not cached. Fake timers:
 * the clock the cache sees is the test's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadCache, type ReadCacheOptions } from '../../api/temporal/read-cache.js';

/** A fake workflow: each query waits until the test answers (or fails) it. */
class FakeWorkflow {
  readonly pending: Array<{ resolve: (v: string) => void; reject: (e: Error) => void }> = [];
  calls = 0;
  readonly fetch = () => {
    this.calls++;
    return new Promise<string>((resolve, reject) => this.pending.push({ resolve, reject }));
  };

  answer(value: string): void {
    const next = this.pending.shift();
    if (!next) throw new Error('no query is waiting for an answer');
    next.resolve(value);
  }

  fail(message: string): void {
    const next = this.pending.shift();
    if (!next) throw new Error('no query is waiting for an answer');
    next.reject(new Error(message));
  }
}

function cacheWith(overrides: Partial<ReadCacheOptions> = {}): ReadCache {
  return new ReadCache({
    freshMs: 1_000, maxStalenessMs: 10_000, maxConcurrentRefreshes: 2, maxRefreshesPerSecond: Infinity, maxEntries: 100, now: Date.now,
    ...overrides,
  });
}

/** Whether a promise has settled after the pending microtasks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => { done = true; }, () => { done = true; });
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

describe('read cache', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-12-01T12:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('coalesces 20 concurrent first reads of one pipeline into one query', async () => {
    const cache = cacheWith();
    const wf = new FakeWorkflow();
    const reads = Array.from({ length: 20 }, () => cache.read('p1', 'status', wf.fetch));
    wf.answer('v1');
    const results = await Promise.all(reads);
    expect(wf.calls).toBe(1);
    expect(results.every((r) => r.value === 'v1' && r.freshness.source === 'query')).toBe(true);
  });

  it('serves a snapshot younger than freshMs without asking, and states its age', async () => {
    const cache = cacheWith();
    const wf = new FakeWorkflow();
    const first = cache.read('p1', 'status', wf.fetch);
    wf.answer('v1');
    await first;
    vi.advanceTimersByTime(600);
    const read = await cache.read('p1', 'status', wf.fetch);
    expect(wf.calls).toBe(1);
    expect(read).toMatchObject({
      value: 'v1',
      freshness: { observedAt: '2026-12-01T12:00:00.000Z', ageMs: 600, maxStalenessMs: 10_000, source: 'cache' },
    });
  });

  it('serves an older snapshot at once while one background refresh replaces it', async () => {
    const cache = cacheWith();
    const wf = new FakeWorkflow();
    const first = cache.read('p1', 'status', wf.fetch);
    wf.answer('v1');
    await first;
    vi.advanceTimersByTime(5_000);
    // The workflow has not answered the refresh, yet every read returns at once with the snapshot.
    const reads = await Promise.all(Array.from({ length: 10 }, () => cache.read('p1', 'status', wf.fetch)));
    expect(reads.every((r) => r.value === 'v1' && r.freshness.ageMs === 5_000 && r.freshness.source === 'cache')).toBe(true);
    expect(wf.calls).toBe(2);
    wf.answer('v2');
    await vi.advanceTimersByTimeAsync(0);
    const next = await cache.read('p1', 'status', wf.fetch);
    expect(next).toMatchObject({ value: 'v2', freshness: { ageMs: 0, source: 'cache' } });
    expect(wf.calls).toBe(2);
  });

  it('runs at most maxConcurrentRefreshes background refreshes at once, and the rest in turn', async () => {
    const cache = cacheWith({ maxConcurrentRefreshes: 2 });
    const wf = new FakeWorkflow();
    for (const id of ['a', 'b', 'c', 'd']) {
      const first = cache.read(id, 'status', wf.fetch);
      wf.answer(`${id}1`);
      await first;
    }
    vi.advanceTimersByTime(2_000);
    for (const id of ['a', 'b', 'c', 'd']) expect((await cache.read(id, 'status', wf.fetch)).value).toBe(`${id}1`);
    expect(wf.calls).toBe(4 + 2);
    expect(cache.refreshing).toBe(2);
    wf.answer('a2');
    await vi.advanceTimersByTimeAsync(0);
    expect(wf.calls).toBe(4 + 3);
    wf.answer('b2');
    wf.answer('c2');
    await vi.advanceTimersByTimeAsync(0);
    wf.answer('d2');
    await vi.advanceTimersByTimeAsync(0);
    expect(wf.calls).toBe(8);
    expect(cache.refreshing).toBe(0);
    for (const id of ['a', 'b', 'c', 'd']) expect((await cache.read(id, 'status', wf.fetch)).value).toBe(`${id}2`);
  });

  it('spreads background refreshes over time, serving every read at once meanwhile', async () => {
    const cache = cacheWith({ maxConcurrentRefreshes: 10, maxRefreshesPerSecond: 2 });
    const wf = new FakeWorkflow();
    const ids = ['a', 'b', 'c', 'd'];
    for (const id of ids) {
      const first = cache.read(id, 'status', wf.fetch);
      wf.answer(`${id}1`);
      await first;
    }
    vi.advanceTimersByTime(2_000);
    for (const id of ids) expect((await cache.read(id, 'status', wf.fetch)).freshness.source).toBe('cache');
    // One refresh now, then one every 500 ms, however many readers asked.
    expect(wf.calls).toBe(4 + 1);
    for (const expected of [6, 7, 8]) {
      wf.answer('refreshed');
      await vi.advanceTimersByTimeAsync(499);
      expect(wf.calls).toBe(expected - 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(wf.calls).toBe(expected);
    }
  });

  it('refreshes a waiting snapshot at once when it reaches half the staleness bound, whatever the pace', async () => {
    const cache = cacheWith({ maxConcurrentRefreshes: 100, maxRefreshesPerSecond: 1 });
    const wf = new FakeWorkflow();
    const ids = Array.from({ length: 40 }, (_, i) => `p${i}`);
    for (const id of ids) {
      const first = cache.read(id, 'status', wf.fetch);
      wf.answer(`${id}-1`);
      await first;
    }
    vi.advanceTimersByTime(2_000);
    for (const id of ids) await cache.read(id, 'status', wf.fetch);
    // At one a second, 40 refreshes would take 40 s, past the 10 s bound; by 5 s they have all begun.
    await vi.advanceTimersByTimeAsync(2_999);
    expect(wf.calls).toBeLessThan(40 + 40);
    await vi.advanceTimersByTimeAsync(1);
    expect(wf.calls).toBe(40 + 40);
    while (wf.pending.length > 0) wf.answer('fresh');
    await vi.advanceTimersByTimeAsync(0);
    // No read had to wait: each was served from its snapshot, now renewed.
    for (const id of ids) expect(await cache.read(id, 'status', wf.fetch)).toMatchObject({ value: 'fresh', freshness: { source: 'cache' } });
  });

  it('never serves a snapshot older than maxStalenessMs: that read waits for the workflow', async () => {
    const cache = cacheWith();
    const wf = new FakeWorkflow();
    const first = cache.read('p1', 'status', wf.fetch);
    wf.answer('v1');
    await first;
    vi.advanceTimersByTime(10_001);
    const pending = cache.read('p1', 'status', wf.fetch);
    expect(await settled(pending)).toBe(false);
    vi.advanceTimersByTime(300);
    wf.answer('v2');
    expect(await pending).toMatchObject({ value: 'v2', freshness: { ageMs: 0, source: 'query' } });
  });

  it('a failed background refresh keeps the snapshot until the bound, then the read gets the error', async () => {
    const cache = cacheWith();
    const wf = new FakeWorkflow();
    const first = cache.read('p1', 'status', wf.fetch);
    wf.answer('v1');
    await first;
    vi.advanceTimersByTime(2_000);
    expect((await cache.read('p1', 'status', wf.fetch)).value).toBe('v1');
    wf.fail('worker down');
    await vi.advanceTimersByTimeAsync(0);
    vi.advanceTimersByTime(7_000);
    // Still within the bound: the snapshot, and a new background attempt.
    expect(await cache.read('p1', 'status', wf.fetch)).toMatchObject({ value: 'v1', freshness: { ageMs: 9_000 } });
    wf.fail('worker down');
    await vi.advanceTimersByTimeAsync(0);
    vi.advanceTimersByTime(1_001);
    const late = cache.read('p1', 'status', wf.fetch);
    wf.fail('worker down');
    await expect(late).rejects.toThrow('worker down');
    // Failures are not cached: the next read asks again and gets the answer.
    const again = cache.read('p1', 'status', wf.fetch);
    wf.answer('v2');
    expect((await again).value).toBe('v2');
  });

  it('gives every waiting reader of a failed first query the error, and the next read asks again', async () => {
    const cache = cacheWith();
    const wf = new FakeWorkflow();
    const reads = Promise.allSettled([cache.read('p1', 'status', wf.fetch), cache.read('p1', 'status', wf.fetch)]);
    wf.fail('worker down');
    expect((await reads).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(wf.calls).toBe(1);
    const next = cache.read('p1', 'status', wf.fetch);
    wf.answer('v1');
    expect((await next).value).toBe('v1');
    expect(wf.calls).toBe(2);
  });

  it('after a write, the next read waits for an answer the workflow gave after that write', async () => {
    const cache = cacheWith();
    const wf = new FakeWorkflow();
    const first = cache.read('p1', 'status', wf.fetch);
    wf.answer('before');
    await first;
    const other = cache.read('p2', 'status', wf.fetch);
    wf.answer('other');
    await other;
    vi.advanceTimersByTime(2_000);
    // A background refresh begins, then the write lands: its answer may predate the write.
    expect((await cache.read('p1', 'status', wf.fetch)).value).toBe('before');
    cache.forget('p1');
    const afterWrite = cache.read('p1', 'status', wf.fetch);
    wf.answer('refresh begun before the write');
    expect(await settled(afterWrite)).toBe(false);
    wf.answer('after');
    expect(await afterWrite).toMatchObject({ value: 'after', freshness: { source: 'query' } });
    // Another pipeline's snapshot is untouched.
    expect((await cache.read('p2', 'status', wf.fetch)).value).toBe('other');
  });

  it('keeps at most maxEntries snapshots, dropping the least recently read', async () => {
    const cache = cacheWith({ maxEntries: 3 });
    const wf = new FakeWorkflow();
    for (let i = 0; i < 10; i++) {
      const read = cache.read(`p${i}`, 'status', wf.fetch);
      wf.answer(`v${i}`);
      await read;
    }
    expect(cache.size).toBe(3);
  });
});
