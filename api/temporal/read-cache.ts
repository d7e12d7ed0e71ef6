/**
 * The read path for workflow queries. A query is answered by the pipeline's worker in a
 * workflow task, so it queues behind whatever that worker is busy with; under load a
 * read that waits for one waits for the worker. So, once a pipeline has been read, its
 * reads are served from a per-pipeline snapshot and never wait for the workflow:
 *
 * - a snapshot younger than `freshMs` is served as it is;
 * - an older one is served at once as well (stale-while-revalidate) and a background
 *   refresh is queued: one query in flight per snapshot at most, at most
 *   `maxConcurrentRefreshes` background queries at once across all pipelines, and their
 *   starts spread over time (`maxRefreshesPerSecond`; a snapshot half as old as the bound
 *   goes at once), so readers cannot flood Temporal with queries: 200 pipelines read at
 *   200/s made up to one DescribeWorkflowExecution per read (each about 1 ms of the API's
 *   own CPU in a profile, besides the server's work), where 40/s refresh all 200 within 5 s;
 * - nothing older than `maxStalenessMs` (the bound each response states) is served: such
 *   a read, the first read of a pipeline and the first read after a write through the API
 *   (read-your-writes) wait for the query. If that query fails, a snapshot still within
 *   the bound is served; otherwise the error reaches the client (a 503 with Retry-After
 *   when the worker did not answer).
 *
 * Failures are never cached: the next read that needs the workflow asks again.
 */

export interface ReadCacheOptions {
  /** A snapshot this young is served without queuing a refresh. */
  freshMs: number;
  /** The oldest snapshot ever served; past it the read waits for the workflow (up to the call deadline). */
  maxStalenessMs: number;
  /** Background refreshes in flight at once, across every pipeline. */
  maxConcurrentRefreshes: number;
  /**
   * Background refreshes started per second, evenly spaced; a snapshot that reaches half of
   * `maxStalenessMs` while waiting for its turn is refreshed at once.
   */
  maxRefreshesPerSecond: number;
  /** Snapshots kept at most (the least recently read dropped first). */
  maxEntries: number;
  now?: () => number;
}

export interface Freshness {
  /** When the workflow produced this answer (ISO 8601). */
  observedAt: string;
  /** Age of the answer when it was served, ms. */
  ageMs: number;
  /** The bound: no answer older than this is served. */
  maxStalenessMs: number;
  /** `query`: this read waited for the workflow's answer; `cache`: served from the pipeline's snapshot. */
  source: 'query' | 'cache';
}

export interface CachedRead<T> {
  value: T;
  freshness: Freshness;
}

interface Entry<T> {
  fetch: () => Promise<T>;
  value?: T;
  observedAt?: number;
  inFlight?: Promise<T>;
  /** The `writes` count when the query in flight began. */
  inFlightWrites?: number;
  /** Writes through the API to this pipeline so far; an answer counts for those before its query began. */
  writes: number;
  /** Waiting in the background-refresh queue. */
  queued: boolean;
  /** A write went through the API since this snapshot was taken: the next read waits for a fresh one. */
  invalidated: boolean;
}

export const DEFAULT_READ_CACHE: ReadCacheOptions = {
  freshMs: 1_000,
  maxStalenessMs: 10_000,
  // 200 pipelines within a 10 s bound need 20 refreshes/s; a query took about a second on the
  // loaded benchmark machine, where 8 at once let snapshots pass the bound (bench:control-plane).
  maxConcurrentRefreshes: 32,
  // 200 snapshots refreshed within 5 s, half the bound; see the module comment.
  maxRefreshesPerSecond: 40,
  maxEntries: 10_000,
};

export class ReadCache {
  private readonly entries = new Map<string, Entry<unknown>>();
  /** Keys waiting for a background refresh, oldest first, each with the time it must start by. */
  private readonly queue: Array<{ key: string; dueAt: number }> = [];
  private activeRefreshes = 0;
  /** The earliest moment the next background refresh may start (the pacing). */
  private nextStartAt = 0;
  private pacingTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly options: ReadCacheOptions = DEFAULT_READ_CACHE) {
    this.now = options.now ?? Date.now;
  }

  /** `scope` groups the keys of one pipeline so `forget(scope)` invalidates them all. */
  async read<T>(scope: string, kind: string, fetch: () => Promise<T>): Promise<CachedRead<T>> {
    const key = `${scope}\u0000${kind}`;
    const entry = this.touch(key, fetch);
    if (entry.observedAt !== undefined && !entry.invalidated) {
      const age = this.now() - entry.observedAt;
      if (age > this.options.freshMs) this.queueRefresh(key, entry);
      if (age <= this.options.maxStalenessMs) return this.served(entry, 'cache');
    }
    try {
      await this.answerAfterLastWrite(entry);
      return this.served(entry, 'query');
    } catch (err) {
      // The workflow did not answer: a snapshot still within the bound is better than an error.
      if (entry.observedAt !== undefined && this.now() - entry.observedAt <= this.options.maxStalenessMs) {
        return this.served(entry, 'cache');
      }
      throw err;
    }
  }

  /** After a write through the API: the scope's next reads wait for the workflow's new answer. */
  forget(scope: string): void {
    const prefix = `${scope}\u0000`;
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(prefix)) continue;
      entry.invalidated = true;
      entry.writes++;
    }
  }

  /** Stops starting background refreshes (the app is closing); reads still work. */
  close(): void {
    this.closed = true;
    if (this.pacingTimer !== undefined) clearTimeout(this.pacingTimer);
    this.pacingTimer = undefined;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Background refreshes running now (for tests and metrics). */
  get refreshing(): number {
    return this.activeRefreshes;
  }

  private touch<T>(key: string, fetch: () => Promise<T>): Entry<T> {
    const existing = this.entries.get(key) as Entry<T> | undefined;
    const entry: Entry<T> = existing ?? { fetch, queued: false, invalidated: false, writes: 0 };
    entry.fetch = fetch;
    // Re-insert so eviction drops the least recently read snapshots first.
    this.entries.delete(key);
    this.entries.set(key, entry as Entry<unknown>);
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return entry;
  }

  /** Joins the query in flight, unless it began before the last write (its answer may predate it). */
  private async answerAfterLastWrite<T>(entry: Entry<T>): Promise<T> {
    if (entry.inFlight !== undefined && entry.inFlightWrites !== entry.writes) await entry.inFlight.catch(() => undefined);
    return entry.inFlight ?? this.start(entry);
  }

  private start<T>(entry: Entry<T>): Promise<T> {
    const writes = entry.writes;
    const inFlight = entry.fetch().then((value) => {
      entry.value = value;
      entry.observedAt = this.now();
      if (writes === entry.writes) entry.invalidated = false;
      return value;
    }).finally(() => {
      entry.inFlight = undefined;
      entry.inFlightWrites = undefined;
    });
    entry.inFlight = inFlight;
    entry.inFlightWrites = writes;
    // Readers that wait handle the rejection; a background refresh's failure leaves the snapshot as it was.
    inFlight.catch(() => undefined);
    return inFlight;
  }

  private queueRefresh(key: string, entry: Entry<unknown>): void {
    if (entry.inFlight !== undefined || entry.queued) return;
    entry.queued = true;
    // Started by the time the snapshot is half the bound old, whatever the pace: the bound holds with room for the query.
    this.queue.push({ key, dueAt: (entry.observedAt ?? this.now()) + this.options.maxStalenessMs / 2 });
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.activeRefreshes < this.options.maxConcurrentRefreshes && this.queue.length > 0) {
      const now = this.now();
      const head = this.queue[0] as { key: string; dueAt: number };
      const startAt = Math.min(this.nextStartAt, head.dueAt);
      if (now < startAt) {
        this.wakeAt(startAt, now);
        return;
      }
      this.queue.shift();
      const entry = this.entries.get(head.key);
      if (entry === undefined) continue; // evicted while queued
      entry.queued = false;
      if (entry.inFlight !== undefined) continue; // a waiting reader started one meanwhile
      this.nextStartAt = Math.max(this.nextStartAt, now) + 1_000 / this.options.maxRefreshesPerSecond;
      this.activeRefreshes++;
      this.start(entry).catch(() => undefined).finally(() => {
        this.activeRefreshes--;
        this.pump();
      });
    }
  }

  private wakeAt(at: number, now: number): void {
    if (this.pacingTimer !== undefined) clearTimeout(this.pacingTimer);
    this.pacingTimer = setTimeout(() => {
      this.pacingTimer = undefined;
      this.pump();
    }, at - now);
    // Pacing must not keep a process alive that is otherwise done.
    this.pacingTimer.unref();
  }

  private served<T>(entry: Entry<T>, source: Freshness['source']): CachedRead<T> {
    const observedAt = entry.observedAt as number;
    return {
      value: entry.value as T,
      freshness: {
        observedAt: new Date(observedAt).toISOString(),
        ageMs: Math.max(0, this.now() - observedAt),
        maxStalenessMs: this.options.maxStalenessMs,
        source,
      },
    };
  }
}
