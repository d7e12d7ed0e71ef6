/**
 * What the adaptive policy reads from CloudWatch samples: demand (offered records and
 * bytes, throttled writes included), its trend, the Flink backlog, and the online
 * estimate of the true processing rate per parallelism. Pure functions over plain
 * JSON so the policy state survives continue-as-new.
 */
import type { MetricsSample } from '../../types.js';

/** One period as the adaptive policy remembers it. */
export type Point = {
  t: number;
  seconds: number;
  /** Records/s offered by producers: accepted plus throttled (missing counts as 0: no puts). */
  demand: number;
  /** Records/s accepted by the stream. */
  incoming: number;
  bytesPerRecord: number | null;
  lagMs: number | null;
  processed: number | null;
  cpu: number | null;
  /** Capacity while the period ran (null when an action was under way or its effect unknown). */
  parallelism: number | null;
};

/**
 * `throttledShare`: the share of throttled puts counted as new demand. Producers retry
 * throttled records, so under a sustained throttle WriteProvisionedThroughputExceeded
 * counts the same records again: taking all of it would size Flink for twice the demand.
 */
export function toPoint(s: MetricsSample, parallelism: number | null, throttledShare = 1): Point {
  const incoming = (s.incomingRecords ?? 0) / s.periodSeconds;
  const throttled = (throttledShare * (s.writeProvisionedThroughputExceeded ?? 0)) / s.periodSeconds;
  return {
    t: s.timestamp,
    seconds: s.periodSeconds,
    demand: incoming + throttled,
    incoming,
    bytesPerRecord: s.incomingRecords && s.incomingBytes ? s.incomingBytes / s.incomingRecords : null,
    lagMs: s.millisBehindLatest ?? s.iteratorAgeMs,
    processed: s.numRecordsInPerSecond,
    cpu: s.cpuUtilization,
    parallelism,
  };
}

/** Points whose period started at or after `from` (the time the window begins). */
export function since(points: Point[], from: number): Point[] {
  return points.filter((p) => p.t >= from);
}

export function maxOf(values: number[]): number {
  return values.reduce((a, b) => Math.max(a, b), 0);
}

/**
 * Demand trend, records/s per second: the median of pairwise slopes (Theil–Sen), so a
 * single step or a noisy minute does not read as a ramp (0 with fewer than three points).
 */
export function demandSlope(all: Point[]): number {
  // Pairwise slopes grow quadratically: with short periods (1 s in tests) fit an even subset.
  const stride = Math.max(1, Math.ceil(all.length / 60));
  const points = all.filter((_, i) => i % stride === 0 || i === all.length - 1);
  if (points.length < 3) return 0;
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dt = points[j]!.t - points[i]!.t;
      if (dt > 0) slopes.push((points[j]!.demand - points[i]!.demand) / dt);
    }
  }
  slopes.sort((a, b) => a - b);
  const mid = slopes.length >> 1;
  return slopes.length % 2 ? slopes[mid]! : (slopes[mid - 1]! + slopes[mid]!) / 2;
}

/** Latest known bytes per record (the binding limit may be bytes for large records). */
export function bytesPerRecord(points: Point[], fallback: number): number {
  for (let i = points.length - 1; i >= 0; i--) {
    const b = points[i]!.bytesPerRecord;
    if (b !== null) return b;
  }
  return fallback;
}

/** Latest lag (ms) and whether it grew over the given points. */
export function lagTrend(points: Point[]): { lagMs: number; growing: boolean } {
  const lags = points.map((p) => p.lagMs).filter((x): x is number => x !== null);
  const last = lags[lags.length - 1] ?? 0;
  const first = lags[0] ?? 0;
  return { lagMs: last, growing: lags.length >= 2 && last > first };
}

/**
 * One observation of the true rate per parallelism unit, or null when the period says
 * nothing about it. DS2's rule (processed ÷ busy fraction) when the job is busy enough
 * for CPU to be meaningful; processed ÷ parallelism when the job was saturated (backlog
 * present and CPU unknown).
 */
export function observedUnitRate(p: Point, minBusy: number): number | null {
  if (p.parallelism === null || p.processed === null || p.processed <= 0) return null;
  if (p.cpu !== null) {
    const busy = p.cpu / 100;
    return busy >= minBusy ? p.processed / Math.min(1, busy) / p.parallelism : null;
  }
  return p.lagMs !== null && p.lagMs > 5000 ? p.processed / p.parallelism : null;
}

/**
 * The peak of a pattern that has already turned around: the highest demand in `points`
 * when demand has since fallen at least `drop` (a share) below it and is still below it
 * now (not above it by more than `margin`); null otherwise (a ramp that has not turned, or a new high). A rise towards a peak
 * the same window has already seen come and go is more likely a recurrence (a daily or
 * hourly cycle, a sawtooth) than a ramp that will carry on past it. Demand up to `margin`
 * (a share) above that peak still counts as the same peak (noise), not as a new high.
 */
export function recurringPeak(points: Point[], drop: number, margin = 0): number | null {
  const latest = points[points.length - 1];
  if (!latest || drop <= 0) return null;
  let peakAt = -1;
  for (let i = 0; i < points.length - 1; i++) if (peakAt < 0 || points[i]!.demand > points[peakAt]!.demand) peakAt = i;
  if (peakAt < 0) return null;
  const peak = points[peakAt]!.demand;
  if (peak <= 0 || latest.demand > peak * (1 + margin)) return null;
  const trough = points.slice(peakAt + 1).reduce((a, p) => Math.min(a, p.demand), Infinity);
  return trough <= (1 - drop) * peak ? peak : null;
}
