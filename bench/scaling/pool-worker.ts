/** Worker-thread side of ./pool.ts: benchmarks each seed it is sent and posts the result back. */
import { parentPort } from 'node:worker_threads';
import type { PolicyRow } from './benchmark.js';
import { rerunAdaptive, runGenerated } from './generated-run.js';
import type { SimOptions } from './sim/simulate.js';

parentPort!.on('message', ({ seed, options, cached }: { seed: number; options: SimOptions; cached?: PolicyRow[] }) => {
  parentPort!.postMessage(cached ? rerunAdaptive(seed, options, cached) : runGenerated(seed, options));
});
