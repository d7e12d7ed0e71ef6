/** Runs the generated suite's traces, on worker threads by default (./seed-pool.ts). */
import { availableParallelism } from 'node:os';
import type { PolicyRow } from './benchmark.js';
import { rerunAdaptive, runGenerated, type GeneratedRun } from './generated-run.js';
import { runOnWorkers } from './seed-pool.js';
import type { SimOptions } from './sim/simulate.js';

const ENTRY = new URL('./pool-worker.ts', import.meta.url);

/** Worker threads to use by default: one per core the process may use. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/** `cached`: rows of an earlier run per seed; only adaptive runs again (see rerunAdaptive). */
export async function runSeeds(seeds: number[], options: SimOptions, workers = defaultWorkers(), cached?: Map<number, PolicyRow[]>): Promise<GeneratedRun[]> {
  const rowsOf = (seed: number) => {
    const rows = cached?.get(seed);
    if (cached && !rows) throw new Error(`--adaptive-only: no cached rows for seed ${seed}`);
    return rows;
  };
  if (workers <= 1 || seeds.length <= 1) {
    return seeds.map((seed) => {
      const rows = rowsOf(seed);
      return rows ? rerunAdaptive(seed, options, rows) : runGenerated(seed, options);
    });
  }
  return runOnWorkers<{ seed: number; options: SimOptions; cached?: PolicyRow[] }, GeneratedRun>(
    ENTRY, seeds.map((seed) => ({ seed, options, cached: rowsOf(seed) })), workers,
  );
}
