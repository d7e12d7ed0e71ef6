/**
 * Metric storage: one series per (namespace, metric name, exact dimension set), each a
 * map of per-second statistic sets. Percentiles need raw values, so every second keeps
 * a bounded sample of them; beyond the bound, samples are replaced round-robin, which
 * keeps memory flat under a hot metric while percentiles stay approximately right.
 */

export interface StatisticSet {
  count: number;
  sum: number;
  min: number;
  max: number;
}

interface SecondBucket extends StatisticSet {
  /** Bounded sample of raw values in this second (for pNN). */
  samples: number[];
  /** How many raw values were offered to `samples` (drives round-robin replacement). */
  offered: number;
}

export interface SeriesKey {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
}

export interface Series extends SeriesKey {
  unit: string | undefined;
  /** Epoch second → statistics of that second. */
  buckets: Map<number, SecondBucket>;
  /** Epoch ms of the latest datapoint stored (for ListMetrics RecentlyActive). */
  lastWriteMs: number;
}

export interface StoreOptions {
  retentionMs: number;
  /** Raw values kept per series per second for percentiles. */
  samplesPerSecond: number;
}

const PRUNE_EVERY_MS = 10_000;

export function seriesId(key: SeriesKey): string {
  const dims = Object.keys(key.dimensions)
    .sort()
    .map((name) => `${name}=${key.dimensions[name]}`)
    .join('\u0001');
  return `${key.namespace}\u0000${key.metricName}\u0000${dims}`;
}

export class MetricStore {
  private readonly series = new Map<string, Series>();
  private lastPruneMs = 0;

  constructor(private readonly options: StoreOptions) {}

  /** Adds `count` observations of `value` (count > 1 comes from PutMetricData `Values`/`Counts`). */
  addValue(key: SeriesKey, timestampMs: number, value: number, count = 1, unit?: string): void {
    const bucket = this.bucketFor(key, timestampMs, unit);
    bucket.count += count;
    bucket.sum += value * count;
    if (value < bucket.min) bucket.min = value;
    if (value > bucket.max) bucket.max = value;
    this.offerSample(bucket, value);
  }

  /** Adds a pre-aggregated statistic set (PutMetricData `StatisticValues`); it carries no raw values. */
  addStatisticSet(key: SeriesKey, timestampMs: number, set: StatisticSet, unit?: string): void {
    const bucket = this.bucketFor(key, timestampMs, unit);
    bucket.count += set.count;
    bucket.sum += set.sum;
    if (set.min < bucket.min) bucket.min = set.min;
    if (set.max > bucket.max) bucket.max = set.max;
  }

  get(key: SeriesKey): Series | undefined {
    return this.series.get(seriesId(key));
  }

  all(): IterableIterator<Series> {
    return this.series.values();
  }

  clear(): void {
    this.series.clear();
  }

  /** Drops seconds older than the retention; series left empty disappear (as from ListMetrics). */
  prune(nowMs: number): void {
    this.lastPruneMs = nowMs;
    const oldestSecond = Math.floor((nowMs - this.options.retentionMs) / 1000);
    for (const [id, s] of this.series) {
      for (const second of s.buckets.keys()) {
        if (second < oldestSecond) s.buckets.delete(second);
      }
      if (s.buckets.size === 0) this.series.delete(id);
    }
  }

  maybePrune(nowMs: number): void {
    if (nowMs - this.lastPruneMs >= PRUNE_EVERY_MS) this.prune(nowMs);
  }

  private bucketFor(key: SeriesKey, timestampMs: number, unit: string | undefined): SecondBucket {
    const id = seriesId(key);
    let s = this.series.get(id);
    if (!s) {
      s = { ...key, dimensions: { ...key.dimensions }, unit, buckets: new Map(), lastWriteMs: timestampMs };
      this.series.set(id, s);
    }
    if (unit !== undefined) s.unit = unit;
    if (timestampMs > s.lastWriteMs) s.lastWriteMs = timestampMs;
    const second = Math.floor(timestampMs / 1000);
    let bucket = s.buckets.get(second);
    if (!bucket) {
      bucket = { count: 0, sum: 0, min: Infinity, max: -Infinity, samples: [], offered: 0 };
      s.buckets.set(second, bucket);
    }
    return bucket;
  }

  private offerSample(bucket: SecondBucket, value: number): void {
    if (bucket.samples.length < this.options.samplesPerSecond) bucket.samples.push(value);
    else bucket.samples[bucket.offered % this.options.samplesPerSecond] = value;
    bucket.offered += 1;
  }
}

/** Aggregated view of the seconds falling into one period. */
export interface PeriodAggregate extends StatisticSet {
  /** Epoch second of the period start. */
  start: number;
  samples: number[];
}

/**
 * Groups a series' seconds in [startSec, endSec) into periods aligned to multiples of
 * `period` (as CloudWatch aligns them), oldest first; periods without data are absent.
 */
export function aggregate(series: Series, startSec: number, endSec: number, period: number): PeriodAggregate[] {
  const byStart = new Map<number, PeriodAggregate>();
  for (const [second, b] of series.buckets) {
    if (second < startSec || second >= endSec || b.count === 0) continue;
    const start = Math.floor(second / period) * period;
    let agg = byStart.get(start);
    if (!agg) {
      agg = { start, count: 0, sum: 0, min: Infinity, max: -Infinity, samples: [] };
      byStart.set(start, agg);
    }
    agg.count += b.count;
    agg.sum += b.sum;
    if (b.min < agg.min) agg.min = b.min;
    if (b.max > agg.max) agg.max = b.max;
    for (const v of b.samples) agg.samples.push(v);
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}
