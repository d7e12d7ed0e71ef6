/**
 * The read load as its own process: `tsx bench/control-plane/read-load.ts '<json>'`
 * prints one ReadRun as JSON. In a separate process autocannon's latencies do not
 * include the benchmark process's own event-loop delays (it also hosts the emulator,
 * which serves every pipeline's AWS calls).
 */
import { benchListReads, benchSpreadStatusReads, benchStatusReads, warmStatusReads, type ReadLoad, type ReadRun } from './reads.js';

const load = JSON.parse(process.argv[2] ?? '{}') as ReadLoad;
async function measure(): Promise<ReadRun> {
  if (load.kind === 'status') return benchStatusReads(load.apiUrl, load.ids, load, await warmStatusReads(load.apiUrl, load.ids));
  if (load.kind === 'status-spread') return benchSpreadStatusReads(load.apiUrl, load.ids, load);
  return benchListReads(load.apiUrl, load);
}
const run = await measure();
process.stdout.write(`${JSON.stringify(run)}\n`);
