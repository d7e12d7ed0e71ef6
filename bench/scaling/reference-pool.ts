/**
 * Runs referenceSeed over seeds on worker threads (as ./pool.ts does for the generated
 * suite): a shared queue, results in seed order, the same figures as one thread.
 */
import { Worker } from 'node:worker_threads';
import { referenceSeed, type ReferenceTrace, type Setting } from './reference-suite.js';
import type { SimOptions } from './sim/simulate.js';

const ENTRY = new URL('./reference-pool-worker.ts', import.meta.url).href;
const BOOT = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(ENTRY)}); });`;

export async function runReferenceSeeds(seeds: number[], options: SimOptions, grid: Setting[], adaptiveVariants: boolean, workers: number, progress?: (done: number) => void): Promise<ReferenceTrace[]> {
  if (workers <= 1 || seeds.length <= 1) {
    return seeds.map((seed, i) => {
      const r = referenceSeed(seed, options, grid, adaptiveVariants);
      progress?.(i + 1);
      return r;
    });
  }
  const results = new Map<number, ReferenceTrace>();
  let next = 0;
  const one = () => new Promise<void>((resolve, reject) => {
    const worker = new Worker(BOOT, { eval: true });
    const send = () => {
      if (next >= seeds.length) {
        void worker.terminate().then(() => resolve());
        return;
      }
      worker.postMessage({ seed: seeds[next++]!, options, grid, adaptiveVariants });
    };
    worker.on('message', (r: ReferenceTrace) => {
      results.set(r.seed, r);
      progress?.(results.size);
      send();
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0 && code !== 1) reject(new Error(`a reference worker exited with code ${code}`));
    });
    worker.on('online', send);
  });
  await Promise.all(Array.from({ length: Math.min(workers, seeds.length) }, one));
  return seeds.map((seed) => results.get(seed)!);
}
