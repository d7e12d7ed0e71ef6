/**
 * Generates the committed demand traces (bench/scaling/traces/*.csv). Deterministic: a
 * seeded generator adds minute-to-minute noise, so regenerating gives the same files.
 *
 *   npx tsx bench/scaling/gen-traces.ts [outDir]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Share of a weekday's NYC yellow-taxi trips in each hour (00:00…23:00): the night
 * trough near 05:00, the morning rise, a mid-afternoon dip and the evening peak.
 */
const NYC_HOURLY_SHARE = [
  3.9, 2.9, 2.1, 1.5, 1.1, 1.1, 2.2, 3.6, 4.4, 4.5, 4.4, 4.6, 4.8, 4.8, 5.0, 4.9, 4.3, 5.0, 6.0, 6.2, 5.7, 5.6, 5.6, 4.9,
];
/** Trips per day in the sample's era, and the article's replay speedup. */
const TRIPS_PER_DAY = 400_000;
const SPEEDUP = 1800;

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

type Row = [t: number, rate: number, bytes?: number, trueRate?: number];

function csv(rows: Row[]): string {
  const withRate = rows.some((r) => r[3] !== undefined);
  const header = withRate
    ? 't_seconds,records_per_second,avg_record_bytes,true_records_per_second_per_parallelism'
    : 't_seconds,records_per_second,avg_record_bytes';
  const lines = rows.map(([t, rate, bytes = 350, trueRate]) =>
    withRate ? `${t},${Math.round(rate)},${bytes},${trueRate ?? 4400}` : `${t},${Math.round(rate)},${bytes}`);
  return `${header}\n${lines.join('\n')}\n`;
}

/** Hourly shares interpolated smoothly (cosine) between hour midpoints: records/s at a time of day. */
function diurnalRate(hourOfDay: number): number {
  const x = hourOfDay - 0.5;
  const i = Math.floor(x);
  const f = x - i;
  const a = NYC_HOURLY_SHARE[((i % 24) + 24) % 24]!;
  const b = NYC_HOURLY_SHARE[(((i + 1) % 24) + 24) % 24]!;
  const share = a + (b - a) * (1 - Math.cos(Math.PI * f)) / 2;
  return (TRIPS_PER_DAY * (share / 100) * SPEEDUP) / 3600;
}

function minutes(count: number, rate: (minute: number) => number, noise = 0, seed = 1, trueRate?: (minute: number) => number | undefined): Row[] {
  const rnd = seeded(seed);
  return Array.from({ length: count }, (_, m) => {
    const jitter = noise > 0 ? 1 + noise * (2 * rnd() - 1) : 1;
    return [m * 60, Math.max(0, rate(m) * jitter), 350, trueRate?.(m)] as Row;
  });
}

const traces: Record<string, Row[]> = {
  // The taxi sample's diurnal curve at the article's rates (speedup 1800: 400k trips/day →
  // 8,300 records/s on average), stretched over a 24 h day starting at 04:00 so the
  // scaler sees the cycle; at a literal 1800× a day would last 48 s, below one period.
  'taxi-diurnal': minutes(24 * 60, (m) => diurnalRate((4 + m / 60) % 24), 0.04, 7),
  'step-spike-x5': minutes(6 * 60, (m) => (m >= 60 && m < 180 ? 12_000 : 2_400)),
  'slow-ramp': minutes(10 * 60, (m) => {
    if (m < 360) return 1500 + (12_500 * m) / 360;
    if (m < 480) return 14_000;
    return 14_000 - (12_500 * (m - 480)) / 120;
  }, 0.03, 11),
  // Rises for 25 minutes, drops at once: a policy that follows every swing restarts twice an hour.
  sawtooth: minutes(8 * 60, (m) => (m % 30 < 25 ? 3000 + (6000 * (m % 30)) / 25 : 3000)),
  // The Flink job stalls for 20 minutes (true rate 0: e.g. its sink is down); the backlog must be caught up.
  'outage-catchup': minutes(6 * 60, () => 5000, 0.02, 5, (m) => (m >= 120 && m < 140 ? 0 : 4400)),
  // The job is heavier than the article's calibration: each parallelism unit does 3,080 records/s, not 4,400.
  'true-rate-30pct-lower': minutes(12 * 60, (m) => diurnalRate((6 + m / 60) % 24), 0.04, 13, () => 3080),
};

const outDir = process.argv[2] ?? join(import.meta.dirname, 'traces');
mkdirSync(outDir, { recursive: true });
for (const [name, rows] of Object.entries(traces)) {
  writeFileSync(join(outDir, `${name}.csv`), csv(rows));
  console.log(`${name}.csv: ${rows.length} rows`);
}
