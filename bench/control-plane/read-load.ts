/**
 * The read load as its own process: `tsx bench/control-plane/read-load.ts '<json>'`
 * prints one ReadRun as JSON. In a separate process autocannon's latencies do not
 * include the benchmark process's own event-loop delays (it also hosts the emulator,
 * which serves every pipeline's AWS calls).
 */
import { benchListReads, benchStatusReads, warmStatusReads, type ReadLoad } from './reads.js';

const load = JSON.parse(process.argv[2] ?? '{}') as ReadLoad;
const run = load.kind === 'status'
  ? await warmStatusReads(load.apiUrl, load.ids).then((warmup) => benchStatusReads(load.apiUrl, load.ids, load, warmup))
  : await benchListReads(load.apiUrl, load);
process.stdout.write(`${JSON.stringify(run)}\n`);
