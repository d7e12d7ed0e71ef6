/**
 * Generated demand traces: families of shapes with seeded random parameters, so a policy
 * is judged on traffic it was never tuned on. One seed → one trace, deterministic on any
 * machine (a small PRNG, no Math.random). Seeds from HELD_OUT_SEED_BASE on are the
 * held-out range: never used while tuning, reported separately.
 *
 * Demand stays within what the benchmark's bounds can carry (≤ 16 shards: ~14,000
 * records/s or ~14 MB/s; ≤ 32 parallelism at the trace's true rate), so every miss is
 * the policy's, not the platform's.
 */
import type { Trace, TraceRow } from './sim/trace.js';

export const HELD_OUT_SEED_BASE = 1_000_000;

/**
 * The suite's seeds: `generated` tuning seeds from `first`, and `heldOut` from HELD_OUT_SEED_BASE.
 * A tuning range reaching into the held-out seeds is refused, so nothing is tuned on them.
 */
export function suiteSeeds(first: number, generated: number, heldOut: number): { tuning: number[]; heldOut: number[] } {
  if (first + generated > HELD_OUT_SEED_BASE) throw new Error(`--seed: seeds from ${HELD_OUT_SEED_BASE} on are held out; use --held-out for them`);
  return {
    tuning: Array.from({ length: generated }, (_, i) => first + i),
    heldOut: Array.from({ length: heldOut }, (_, i) => HELD_OUT_SEED_BASE + i),
  };
}
export const CONFIGURED_UNIT_RATE = 4400;
const MAX_RATE = 14_000;

export const FAMILIES = [
  'diurnal', 'flash-crowd', 'cliff', 'steps', 'sawtooth', 'random-walk', 'outage', 'heavy-records', 'slow-job', 'rate-change', 'mixture',
] as const;
export type Family = (typeof FAMILIES)[number];

/** mulberry32: a tiny, well-distributed 32-bit PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

class Dice {
  constructor(readonly next: () => number) {}
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  int(lo: number, hi: number): number {
    return Math.floor(this.uniform(lo, hi + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
}

type Minute = { rate: number; bytes: number; unitRate: number | null };
type Shape = (m: number) => number;

/** A weekday's NYC taxi hourly profile (share of trips per hour), smoothed: the diurnal family's curve. */
const HOURLY = [3.9, 2.9, 2.1, 1.5, 1.1, 1.1, 2.2, 3.6, 4.4, 4.5, 4.4, 4.6, 4.8, 4.8, 5.0, 4.9, 4.3, 5.0, 6.0, 6.2, 5.7, 5.6, 5.6, 4.9];
function dailyShare(hour: number): number {
  const x = hour - 0.5;
  const i = Math.floor(x);
  const f = x - i;
  const a = HOURLY[((i % 24) + 24) % 24]!;
  const b = HOURLY[(((i + 1) % 24) + 24) % 24]!;
  return (a + (b - a) * (1 - Math.cos(Math.PI * f)) / 2) / 6.2;
}

function diurnal(d: Dice): { shape: Shape; note: string } {
  const peak = d.uniform(5000, MAX_RATE);
  const start = d.uniform(0, 24);
  // A day compressed or stretched: the cycle's period in hours.
  const period = d.pick([24, 24, 12, 8]);
  return { shape: (m) => peak * dailyShare((start + (m / 60) * (24 / period)) % 24), note: `peak ${Math.round(peak)}, day of ${period} h from ${start.toFixed(1)} h` };
}

function flashCrowd(d: Dice, minutes: number): { shape: Shape; note: string } {
  const base = d.uniform(1500, 5000);
  const factor = d.uniform(2, Math.min(6, MAX_RATE / base));
  const at = d.int(30, Math.max(31, minutes - 120));
  const decay = d.uniform(10, 90);
  return {
    shape: (m) => (m < at ? base : base * (1 + (factor - 1) * Math.exp(-(m - at) / decay))),
    note: `${Math.round(base)} ×${factor.toFixed(1)} at ${at} min, decays over ${decay.toFixed(0)} min`,
  };
}

function cliff(d: Dice, minutes: number): { shape: Shape; note: string } {
  const high = d.uniform(6000, MAX_RATE);
  const low = high * d.uniform(0.12, 0.5);
  const dropAt = d.int(60, Math.floor(minutes * 0.4));
  const lowFor = d.int(60, Math.floor(minutes * 0.4));
  const rise = d.pick([0, 0, 30, 90]);
  return {
    shape: (m) => {
      if (m < dropAt) return high;
      if (m < dropAt + lowFor) return low;
      return rise === 0 ? high : low + (high - low) * Math.min(1, (m - dropAt - lowFor) / rise);
    },
    note: `${Math.round(high)} → ${Math.round(low)} at ${dropAt} min for ${lowFor} min, back ${rise ? `over ${rise} min` : 'at once'}`,
  };
}

function steps(d: Dice): { shape: Shape; note: string } {
  const levels: Array<[number, number]> = [];
  let t = 0;
  for (let i = 0; i < 8; i++) {
    levels.push([t, d.uniform(1000, MAX_RATE)]);
    t += d.int(30, 150);
  }
  return {
    shape: (m) => levels.filter(([at]) => at <= m).pop()![1],
    note: `steps ${levels.map(([, r]) => Math.round(r)).join(' → ')}`,
  };
}

function sawtooth(d: Dice): { shape: Shape; note: string } {
  const period = d.int(12, 60);
  const low = d.uniform(1000, 5000);
  const high = d.uniform(low * 1.5, Math.min(MAX_RATE, low * 4));
  const reverse = d.next() < 0.3;
  const rampShare = d.uniform(0.6, 0.95);
  return {
    shape: (m) => {
      const phase = (m % period) / period;
      const up = phase < rampShare ? phase / rampShare : 0;
      return reverse ? high - (high - low) * up : low + (high - low) * up;
    },
    note: `${reverse ? 'reverse ' : ''}sawtooth ${Math.round(low)}–${Math.round(high)} every ${period} min`,
  };
}

function randomWalk(d: Dice, minutes: number): { shape: Shape; note: string } {
  const sigma = d.uniform(0.01, 0.05);
  const drift = d.uniform(-0.5, 0.5) / minutes;
  const values: number[] = [];
  let log = Math.log(d.uniform(2000, 9000));
  for (let m = 0; m < minutes; m++) {
    log = Math.min(Math.log(MAX_RATE), Math.max(Math.log(600), log + drift + sigma * d.normal()));
    values.push(Math.exp(log));
  }
  return { shape: (m) => values[m]!, note: `log walk σ ${(sigma * 100).toFixed(1)} %/min, drift ${(drift * minutes * 100).toFixed(0)} % over the trace` };
}

/** Multiplicative noise per minute: independent jitter plus a slowly wandering AR(1) part. */
function noisy(d: Dice, shape: Shape, minutes: number, level: number): Shape {
  const values: number[] = [];
  let ar = 0;
  for (let m = 0; m < minutes; m++) {
    ar = 0.9 * ar + level * 0.3 * d.normal();
    values.push(Math.max(0, shape(m) * (1 + level * d.normal() + ar)));
  }
  return (m) => Math.min(MAX_RATE * 1.05, values[m]!);
}

export interface GeneratedTrace extends Trace {
  seed: number;
  family: Family;
  description: string;
}

/** The trace for `seed`: family, shape, noise and platform effects all drawn from the seed. */
export function generateTrace(seed: number): GeneratedTrace {
  const d = new Dice(prng(seed * 2_654_435_761));
  const family = d.pick(FAMILIES);
  const minutes = d.int(6, 12) * 60;
  const notes: string[] = [];
  const base = (f: Family): { shape: Shape; note: string } => {
    switch (f) {
      case 'flash-crowd': return flashCrowd(d, minutes);
      case 'cliff': return cliff(d, minutes);
      case 'steps': return steps(d);
      case 'sawtooth': return sawtooth(d);
      case 'random-walk': return randomWalk(d, minutes);
      default: return diurnal(d);
    }
  };
  const shapes: Family[] = ['diurnal', 'flash-crowd', 'cliff', 'steps', 'sawtooth', 'random-walk'];
  let chosen = family;
  const effects = new Set<Family>();
  if (!shapes.includes(family)) {
    chosen = d.pick(shapes);
    if (family === 'mixture') {
      const count = d.int(1, 2);
      for (let i = 0; i < count; i++) effects.add(d.pick(['outage', 'heavy-records', 'slow-job', 'rate-change', 'flash-crowd'] as const));
    } else effects.add(family);
  }
  const main = base(chosen);
  notes.push(`${chosen}: ${main.note}`);
  let shape = main.shape;
  if (effects.has('flash-crowd') && chosen !== 'flash-crowd') {
    const extra = flashCrowd(d, minutes);
    const inner = shape;
    const baseRate = extra.shape(0);
    shape = (m) => Math.min(MAX_RATE, inner(m) * (extra.shape(m) / baseRate));
    notes.push(`+ flash crowd ${extra.note}`);
  }
  const noise = family === 'random-walk' ? d.uniform(0, 0.03) : d.uniform(0, 0.1);
  if (noise > 0.005) {
    shape = noisy(d, shape, minutes, noise);
    notes.push(`noise ±${(noise * 100).toFixed(0)} %`);
  }

  let bytes = 350;
  let unitRate: (m: number) => number | null = () => null;
  let scale = 1;
  if (effects.has('heavy-records')) {
    bytes = d.int(800, 3000);
    // Bytes bind the shards: keep the peak within 16 MB/s.
    scale = Math.min(1, (14_000_000 / bytes) / MAX_RATE);
    notes.push(`${bytes}-byte records`);
  }
  if (effects.has('slow-job')) {
    const rate = Math.round(CONFIGURED_UNIT_RATE * d.uniform(0.35, 0.8));
    unitRate = () => rate;
    notes.push(`job does ${rate} rec/s per parallelism, not ${CONFIGURED_UNIT_RATE}`);
  }
  if (effects.has('rate-change')) {
    const at = d.int(60, minutes - 60);
    const factor = d.uniform(0.45, 1.6);
    const before = unitRate;
    unitRate = (m) => (m < at ? before(m) : Math.round((before(m) ?? CONFIGURED_UNIT_RATE) * factor));
    notes.push(`true rate ×${factor.toFixed(2)} from ${at} min (a deploy)`);
  }
  if (effects.has('outage')) {
    const at = d.int(60, minutes - 90);
    const length = d.int(5, 30);
    const before = unitRate;
    unitRate = (m) => (m >= at && m < at + length ? 0 : before(m));
    notes.push(`job stalls at ${at} min for ${length} min`);
  }
  const rows: TraceRow[] = [];
  for (let m = 0; m < minutes; m++) {
    const minute: Minute = { rate: Math.round(shape(m) * scale), bytes, unitRate: unitRate(m) };
    rows.push({ t: m * 60, recordsPerSecond: minute.rate, bytesPerRecord: minute.bytes, trueRatePerParallelism: minute.unitRate });
  }
  return {
    name: `gen-${seed}-${family}`,
    rows,
    durationSeconds: minutes * 60,
    seed,
    family,
    description: notes.join('; '),
  };
}

/** Writes a trace as the benchmark's CSV (SCALING.md "Trace files"), so a generated case can be kept and re-run. */
export function traceCsv(trace: Trace): string {
  const lines = trace.rows.map((r) => `${r.t},${r.recordsPerSecond},${r.bytesPerRecord},${r.trueRatePerParallelism ?? ''}`);
  return `t_seconds,records_per_second,avg_record_bytes,true_records_per_second_per_parallelism\n${lines.join('\n')}\n`;
}
