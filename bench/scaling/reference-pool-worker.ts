/** Worker-thread side of ./reference-pool.ts. */
import { parentPort } from 'node:worker_threads';
import { referenceSeed, type Setting } from './reference-suite.js';
import type { SimOptions } from './sim/simulate.js';

parentPort!.on('message', ({ seed, options, grid, adaptiveVariants }: { seed: number; options: SimOptions; grid: Setting[]; adaptiveVariants: boolean }) => {
  parentPort!.postMessage(referenceSeed(seed, options, grid, adaptiveVariants));
});
