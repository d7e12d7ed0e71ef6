/**
 * bench:control-plane's command line: its flags, checked (a bad value names the flag and its
 * allowed values, and exits 2 before anything starts), and the figures derived from them.
 */
import { parseArgs } from 'node:util';
import type { TemporalTopology } from './stack.js';
import type { Runtime } from '../../scripts/cluster/shardpilot.js';

export const { values: args } = parseArgs({
  options: {
    pipelines: { type: 'string', default: '200' },
    minutes: { type: 'string', default: '10' },
    interval: { type: 'string', default: '10' },
    'read-seconds': { type: 'string', default: '30' },
    'no-write': { type: 'boolean', default: false },
    // AWS's per-API rates enforced by the emulator (the call budget); --no-api-rates to measure without.
    'no-api-rates': { type: 'boolean', default: false },
    'create-wait-minutes': { type: 'string', default: '15' },
    // A re-run for one finding can write its own section (and JSON) instead of replacing the main run's.
    section: { type: 'string', default: 'control-plane' },
    title: { type: 'string', default: 'Control plane at scale' },
    // `dev`: the dev server on SQLite; `cluster`: the production topology on PostgreSQL (bash scripts/setup-cluster.sh once).
    temporal: { type: 'string', default: 'dev' },
    // `compiled`: build first and run the worker and API from dist/, as shipped; `tsx`: from TypeScript (the worker then
    // runs webpack at start, which leaves it ~300 MB more resident: bench:startup, README).
    runtime: { type: 'string', default: 'compiled' },
    // What else ran on the machine meanwhile, in words, for the section (the load averages are measured).
    machine: { type: 'string', default: 'shared 2-core machine; the load average counts whatever else ran on it' },
    // Re-render the section from the last run's JSON (bench/out/<section>.json), e.g. after correcting --machine;
    // the figures are the run's, unchanged.
    rerender: { type: 'boolean', default: false },
  },
});
if (args.temporal !== 'dev' && args.temporal !== 'cluster') {
  process.stderr.write(`--temporal must be dev or cluster, not "${args.temporal}"\n`);
  process.exit(2);
}
if (args.runtime !== 'compiled' && args.runtime !== 'tsx') {
  process.stderr.write(`--runtime must be compiled or tsx, not "${args.runtime}"\n`);
  process.exit(2);
}
/** A count or duration flag: a positive number, or exit 2 naming the flag. */
function positive(flag: 'pipelines' | 'minutes' | 'interval' | 'read-seconds' | 'create-wait-minutes'): number {
  const value = Number(args[flag]);
  if (!(value > 0)) {
    process.stderr.write(`--${flag} must be a positive number, not "${args[flag]}"\n`);
    process.exit(2);
  }
  return value;
}

export const TOPOLOGY = args.temporal as TemporalTopology;
export const RUNTIME = args.runtime as Runtime;
export const PIPELINES = positive('pipelines');
export const MINUTES = positive('minutes');
export const INTERVAL = positive('interval');
export const READ_SECONDS = positive('read-seconds');
export const API_RATES = !args['no-api-rates'];
export const CREATE_WAIT_MS = positive('create-wait-minutes') * 60_000;

/** The flags the section names as its command (beyond the sizes, which the result carries). */
export function commandFlags(topology: string = TOPOLOGY, runtime: string = RUNTIME): string {
  return (topology === 'cluster' ? ' --temporal cluster' : '') + (runtime === 'tsx' ? ' --runtime tsx' : '')
    + (args.section === 'control-plane' ? '' : ` --section ${args.section} --title '${args.title}'`);
}


