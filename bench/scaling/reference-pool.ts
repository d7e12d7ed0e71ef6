/**
 * Runs referenceSeed over seeds, on worker threads when asked (./seed-pool.ts).
 */
import { referenceSeed, type ReferenceTrace, type Setting } from './reference-suite.js';
import { runOnWorkers } from './seed-pool.js';
import type { SimOptions } from './sim/simulate.js';

const ENTRY = new URL('./reference-pool-worker.ts', import.meta.url);

export async function runReferenceSeeds(seeds: number[], options: SimOptions, grid: Setting[], adaptiveVariants: boolean, workers: number, progress?: (done: number) => void): Promise<ReferenceTrace[]> {
  if (workers <= 1 || seeds.length <= 1) {
    return seeds.map((seed, i) => {
      const r = referenceSeed(seed, options, grid, adaptiveVariants);
      progress?.(i + 1);
      return r;
    });
  }
  return runOnWorkers<{ seed: number; options: SimOptions; grid: Setting[]; adaptiveVariants: boolean }, ReferenceTrace>(
    ENTRY, seeds.map((seed) => ({ seed, options, grid, adaptiveVariants })), workers, progress,
  );
}
