/**
 * `npm run bench:faults`: the long variants of the fault suite (test/faults/) — a worker
 * SIGKILLed ≥ 20 times at random moments, two workers with the busy one killed, Temporal
 * restarted on its SQLite file, and AWS faults at a higher rate. Outcomes, not speed:
 * it prints and writes what broke (nothing, ideally), with the seed that reproduces it,
 * to bench/out/faults.json and the `faults` section of docs/reliability.md.
 *
 *   npm run bench:faults -- [--seed N] [--kills 20] [--pipelines 3] [--cycles 2]
 *                           [--two-worker-kills 6] [--restarts 2] [--rate 0.25] [--only kills,two,restart,aws]
 *   npm run bench:faults -- --report-only   # the doc section again from the last JSON
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { getPriority, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { devServerArgs, freePort, waitForTemporal } from '../../scripts/dev-server.js';
import { ManagedChild } from '../../scripts/processes.js';
import { requireTemporalCli } from '../../scripts/temporal-cli.js';
import { runEmulatorFaultScenario, type EmulatorFaultReport } from '../../test/faults/support/emulator-faults-scenario.js';
import { runKillScenario, type KillScenarioReport } from '../../test/faults/support/kill-scenario.js';
import { FaultRig } from '../../test/faults/support/rig.js';
import { chooseSeed, seededRandom } from '../../test/faults/support/seed.js';
import { runServerRestartScenario, type ServerRestartReport } from '../../test/faults/support/server-restart-scenario.js';
import { bundleWorkflowsQuietly } from '../../workers/bundle.js';
import { WORKFLOWS_PATH } from '../../workers/pipeline-worker.js';
import { writeDocSection, writeJson } from '../control-plane/report.js';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { faultsSection, FOUND_AND_FIXED, KNOWN_LIMITS, type FaultsRun } from './report.js';

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string' },
    kills: { type: 'string', default: '20' },
    pipelines: { type: 'string', default: '3' },
    cycles: { type: 'string', default: '2' },
    'two-worker-kills': { type: 'string', default: '6' },
    restarts: { type: 'string', default: '2' },
    rate: { type: 'string', default: '0.25' },
    only: { type: 'string', default: 'kills,two,restart,aws' },
    /** Rewrites the doc section from the last bench/out/faults.json (after editing the known limits), without a run. */
    'report-only': { type: 'boolean', default: false },
    /** With --report-only: the niceness of a run whose JSON predates the field (runs record their own). */
    niceness: { type: 'string' },
  },
});

const int = (name: string, value: string | undefined, min: number, max: number): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max} (got ${value})`);
  return n;
};
const seed = args.seed === undefined ? chooseSeed() : int('seed', args.seed, 0, 2 ** 32 - 1);
const kills = int('kills', args.kills, 1, 500);
const pipelines = int('pipelines', args.pipelines, 1, 20);
const cycles = int('cycles', args.cycles, 1, 4);
const twoWorkerKills = int('two-worker-kills', args['two-worker-kills'], 1, 100);
const restarts = int('restarts', args.restarts, 1, 20);
const rate = Number(args.rate);
if (!(rate > 0 && rate <= 0.5)) throw new Error(`--rate must be a number above 0 and at most 0.5 (got ${args.rate})`);
const only = new Set((args.only ?? '').split(','));

const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const STEP_TIMEOUT_MS = 600_000;

/** An error thrown from a timer (e.g. a gRPC retry after its connection closed) is recorded, not fatal to the run. */
const strayErrors: string[] = [];
process.on('uncaughtException', (err) => {
  strayErrors.push(err instanceof Error ? err.message : String(err));
  log(`stray error (recorded): ${String(err)}`);
});

async function main(): Promise<void> {
  log(`seed ${seed} (repeat with --seed ${seed})`);
  const startedAt = new Date();
  const loadBefore = loadavg();
  const dir = await mkdtemp(join(tmpdir(), 'bench-faults-'));
  const bundlePath = join(dir, 'workflow-bundle.js');
  const lines: string[] = [];
  let server: ManagedChild | undefined;
  const results: {
    kills?: KillScenarioReport; twoWorkers?: KillScenarioReport; restart?: ServerRestartReport; aws?: EmulatorFaultReport; errors: string[];
  } = { errors: [] };
  try {
    log('bundling the workflow code once for every worker process');
    await writeFile(bundlePath, await bundleWorkflowsQuietly(WORKFLOWS_PATH));
    const port = await freePort();
    server = new ManagedChild({
      name: 'temporal', command: requireTemporalCli(process.env),
      args: devServerArgs({ ip: '127.0.0.1', port, namespace: 'default', logLevel: 'error' }), env: process.env, onLine: (l) => lines.push(l),
    });
    const address = `127.0.0.1:${port}`;
    await waitForTemporal(address, 'default', { timeoutMs: 120_000 });
    const random = seededRandom(seed);
    const rigFor = (emulator = {}) => FaultRig.start({ temporalAddress: address, namespace: 'default', bundlePath, random, log, emulator });
    const slowOps = { kinesis: { createStreamMs: 1500, updateShardCountMs: 2500 }, flink: { updateApplicationMs: 1500 } };

    const guarded = async <T>(name: string, run: () => Promise<T>): Promise<T | undefined> => {
      log(`— ${name}`);
      try {
        return await run();
      } catch (err) {
        results.errors.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
        log(`${name} stopped: ${String(err)}`);
        return undefined;
      }
    };
    if (only.has('kills')) {
      results.kills = await guarded(`one worker SIGKILLed ${kills} times`, async () => {
        const rig = await rigFor(slowOps);
        try {
          return await runKillScenario({
            rig, random, pipelines, kills, cycles, workers: 1, killDelayMs: [2_000, 12_000], replaySpeedup: 900, stepTimeoutMs: STEP_TIMEOUT_MS, log,
          });
        } finally {
          await rig.close();
        }
      });
    }
    if (only.has('two')) {
      results.twoWorkers = await guarded(`two workers, the busy one SIGKILLed ${twoWorkerKills} times`, async () => {
        const rig = await rigFor(slowOps);
        try {
          return await runKillScenario({
            rig, random, pipelines: 2, kills: twoWorkerKills, cycles: 1, workers: 2, killDelayMs: [3_000, 10_000], replaySpeedup: 1800, stepTimeoutMs: STEP_TIMEOUT_MS, log,
          });
        } finally {
          await rig.close();
        }
      });
    }
    if (only.has('restart')) {
      results.restart = await guarded(`Temporal restarted ${restarts} times on its SQLite file`, () => runServerRestartScenario({
        bundlePath, random, restarts, downMs: 20_000, replaySpeedup: 900, stepTimeoutMs: STEP_TIMEOUT_MS, log,
      }));
    }
    if (only.has('aws')) {
      results.aws = await guarded(`AWS faults at ${Math.round(rate * 100)} %`, async () => {
        const rig = await rigFor({ kinesis: { updateShardCountMs: 1500 }, flink: { updateApplicationMs: 1000 } });
        try {
          return await runEmulatorFaultScenario({ rig, random, rate, slowMs: 2500, replaySpeedup: 1800, stepTimeoutMs: STEP_TIMEOUT_MS });
        } finally {
          await rig.close();
        }
      });
    }
  } finally {
    await server?.stop(10_000);
    await rm(dir, { recursive: true, force: true });
  }
  const loadAfter = loadavg();
  results.errors.push(...strayErrors.map((e) => `error outside a scenario: ${e}`));
  const problems = [
    ...results.errors,
    ...(results.kills?.problems ?? []).map((p) => `kills: ${p}`),
    ...(results.twoWorkers?.problems ?? []).map((p) => `two workers: ${p}`),
    ...(results.restart?.problems ?? []).map((p) => `restart: ${p}`),
    ...(results.aws?.problems ?? []).map((p) => `aws: ${p}`),
  ];
  const run = {
    command: `npm run bench:faults -- --seed ${seed} --kills ${kills} --pipelines ${pipelines} --cycles ${cycles} --two-worker-kills ${twoWorkerKills} --restarts ${restarts} --rate ${rate}${only.size < 4 ? ` --only ${[...only].join(',')}` : ''}`,
    seed, startedAt: startedAt.toISOString(), durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
    loadBefore, loadAfter, niceness: getPriority(), problems, knownLimits: KNOWN_LIMITS, foundAndFixed: FOUND_AND_FIXED, ...results,
  };
  const json = await writeJson('bench/out/faults.json', run);
  await writeDocSection('faults', faultsSection(run));
  log(`wrote ${json} and the faults section of docs/reliability.md`);
  if (problems.length > 0) {
    log(`${problems.length} problem(s) found (seed ${seed}):\n${problems.join('\n')}`);
    process.exitCode = 1;
  } else log(`no problem found (seed ${seed})`);
}

async function reportOnly(): Promise<void> {
  const path = resolve(import.meta.dirname, '../../bench/out/faults.json');
  const run = JSON.parse(await readFile(path, 'utf8')) as FaultsRun;
  const next = {
    ...run, knownLimits: KNOWN_LIMITS, foundAndFixed: FOUND_AND_FIXED,
    ...(run.niceness === undefined && args.niceness !== undefined ? { niceness: int('niceness', args.niceness, -20, 19) } : {}),
  };
  await writeJson('bench/out/faults.json', next);
  await writeDocSection('faults', faultsSection(next));
  log(`rewrote the faults section of docs/reliability.md from ${path}`);
}

(args['report-only'] ? reportOnly() : main()).catch((err: unknown) => {
  process.stderr.write(`bench:faults failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
