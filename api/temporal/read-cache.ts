/**
 * The read path for workflow queries. A query is answered by the pipeline's worker in a
 * workflow task, so it queues behind whatever that workflow (and the worker) is busy
 * with; 20 clients polling one pipeline would each add a task. This cache:
 *
 * - coalesces: concurrent reads of the same thing share one query in flight;
 * - serves an answer younger than `freshMs` without asking the workflow at all;
 * - when the answer is older, asks again but waits only `refreshWaitMs` for it: if the
 *   worker is slow, the last answer is served as long as it is younger than
 *   `maxStalenessMs` (the explicit bound each response states), and the query finishes
 *   in the background to refresh the cache;
 * - forgets a pipeline's entries when the API changes it (update, signal), so a client
 *   reads its own writes.
 *
 * Failures are never cached: the next read asks again.
 */

export interface ReadCacheOptions {
  /** An answer this young is served without a query. */
  freshMs: number;
  /** The oldest answer ever served; past it the read waits for the workflow (up to the call deadline). */
  maxStalenessMs: number;
  /** How long a read waits for a refresh before serving the (bounded) stale answer. */
  refreshWaitMs: number;
  /** Entries kept at most (least recently stored dropped first). */
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
  /** `query`: asked the workflow for this read; `cache`: a shared recent answer. */
  source: 'query' | 'cache';
}

export interface CachedRead<T> {
  value: T;
  freshness: Freshness;
}

interface Entry<T> {
  value?: T;
  observedAt?: number;
  inFlight?: Promise<T>;
}

export const DEFAULT_READ_CACHE: ReadCacheOptions = {
  freshMs: 1_000,
  maxStalenessMs: 10_000,
  refreshWaitMs: 250,
  maxEntries: 10_000,
};

export class ReadCache {
  private readonly entries = new Map<string, Entry<unknown>>();
  private readonly now: () => number;

  constructor(private readonly options: ReadCacheOptions = DEFAULT_READ_CACHE) {
    this.now = options.now ?? Date.now;
  }

  /** `scope` groups the keys of one pipeline so `forget(scope)` drops them all. */
  async read<T>(scope: string, kind: string, fetch: () => Promise<T>): Promise<CachedRead<T>> {
    const key = `${scope}\u0000${kind}`;
    const entry = (this.entries.get(key) ?? {}) as Entry<T>;
    const now = this.now();
    const age = entry.observedAt === undefined ? Infinity : now - entry.observedAt;
    if (entry.observedAt !== undefined && age <= this.options.freshMs) return this.served(entry, 'cache');

    const inFlight = entry.inFlight ?? this.start(key, entry, fetch);
    if (entry.observedAt === undefined || age > this.options.maxStalenessMs) {
      await inFlight;
      return this.served(entry, 'query');
    }
    // A bounded-stale answer exists: give the refresh a moment, then serve what we have.
    const refreshed = await Promise.race([
      inFlight.then(() => true, () => false),
      delay(this.options.refreshWaitMs).then(() => false),
    ]);
    return this.served(entry, refreshed ? 'query' : 'cache');
  }

  /** Drops every cached answer of a scope (after a write through the API). */
  forget(scope: string): void {
    const prefix = `${scope}\u0000`;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private start<T>(key: string, entry: Entry<T>, fetch: () => Promise<T>): Promise<T> {
    const inFlight = fetch().then(
      (value) => {
        entry.value = value;
        entry.observedAt = this.now();
        return value;
      },
    ).finally(() => {
      entry.inFlight = undefined;
    });
    entry.inFlight = inFlight;
    // Re-insert so eviction drops the least recently refreshed entries first.
    this.entries.delete(key);
    this.entries.set(key, entry as Entry<unknown>);
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    // The waiter that started it handles rejection; this stops a background refresh from being "unhandled".
    inFlight.catch(() => undefined);
    return inFlight;
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });
}
