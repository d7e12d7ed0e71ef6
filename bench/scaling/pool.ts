/**
 * Runs the generated suite's traces on worker threads, one seed at a time per worker (the
 * traces differ in length, so a shared queue balances better than fixed slices). Each
 * trace is independent and the simulation is pure, so the figures are the same as in
 * one thread; results come back in seed order. The workers load TypeScript through
 * tsx's ESM API, as the CLI itself runs under tsx.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PolicyRow } from './benchmark.js';
import { rerunAdaptive, runGenerated, type GeneratedRun } from './generated-run.js';
import type { SimOptions } from './sim/simulate.js';

const ENTRY = new URL('./pool-worker.ts', import.meta.url).href;
const BOOT = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(ENTRY)}); });`;

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
  const results = new Map<number, GeneratedRun>();
  let next = 0;
  const one = () => new Promise<void>((resolve, reject) => {
    const worker = new Worker(BOOT, { eval: true });
    const send = () => {
      if (next >= seeds.length) {
        void worker.terminate().then(() => resolve());
        return;
      }
      const seed = seeds[next++]!;
      worker.postMessage({ seed, options, cached: rowsOf(seed) });
    };
    worker.on('message', (run: GeneratedRun) => {
      results.set(run.seed, run);
      send();
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0 && code !== 1) reject(new Error(`a benchmark worker exited with code ${code}`));
    });
    worker.on('online', send);
  });
  await Promise.all(Array.from({ length: Math.min(workers, seeds.length) }, one));
  return seeds.map((seed) => results.get(seed)!);
}
