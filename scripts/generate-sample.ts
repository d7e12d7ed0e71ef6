/**
 * Writes a seeded, NYC-taxi-shaped trip file (JSON lines, gzip when the name ends in
 * .gz), sorted by drop-off time.
 *
 *   npm run generate:sample -- --trips 40000 --seed 42 --out data/sample/trips-sample.jsonl.gz
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { generateTrips } from '../data/generator.js';

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: generate-sample --trips N --seed S --out FILE [--start-date YYYY-MM-DD] [--days D]\n`);
  process.exit(2);
}

function positiveInt(name: string, raw: string | undefined, fallback?: number): number {
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    usage(`--${name} is required`);
  }
  if (!/^\d+$/.test(raw) || Number(raw) < 1) usage(`--${name} must be a positive whole number, got ${raw}`);
  return Number(raw);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      trips: { type: 'string' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string' },
      'start-date': { type: 'string' },
      days: { type: 'string' },
    },
  });
  const trips = positiveInt('trips', values.trips);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) usage(`--seed must be an integer, got ${values.seed}`);
  if (!values.out) usage('--out is required');
  const days = positiveInt('days', values.days, 1);
  const out = values.out;
  await mkdir(dirname(out), { recursive: true });
  const lines = Readable.from(
    (function* () {
      for (const trip of generateTrips({ trips, seed, days, startDate: values['start-date'] })) {
        yield `${JSON.stringify(trip)}\n`;
      }
    })(),
  );
  const started = performance.now();
  if (out.endsWith('.gz')) await pipeline(lines, createGzip({ level: 9 }), createWriteStream(out));
  else await pipeline(lines, createWriteStream(out));
  process.stdout.write(`wrote ${trips} trips (seed ${seed}, ${days} day(s)) to ${out} in ${Math.round(performance.now() - started)} ms\n`);
}

await main();
