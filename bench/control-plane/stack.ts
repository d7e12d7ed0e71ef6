/**
 * The control plane as it runs in production, one process each, on free ports: a
 * Temporal dev server on a fresh SQLite file, the worker (`workers/main.ts`) and the API
 * (`api/server.ts`). The emulator runs in the benchmark's own process, so its call log is
 * at hand and its CPU is not counted as the worker's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { devServerArgs, freePort, waitForTemporal } from '../../scripts/dev-server.js';
import { ManagedChild } from '../../scripts/processes.js';
import { waitForHttp, waitForWorker } from '../../scripts/readiness.js';
import { requireTemporalCli } from '../../scripts/temporal-cli.js';

const ROOT = resolve(import.meta.dirname, '../..');
const NAMESPACE = 'default';
export const TASK_QUEUE = 'shardpilot-bench';

export interface BenchStack {
  temporalAddress: string;
  namespace: string;
  apiUrl: string;
  emulator: RunningEmulator;
  temporal: ManagedChild;
  worker: ManagedChild;
  api: ManagedChild;
  /** Lines the worker printed (its warnings, e.g. slow workflow tasks). */
  workerLines: string[];
  /** Lines the dev server printed (errors only). */
  temporalLines: string[];
  stop(): Promise<void>;
}

function child(name: string, command: string, args: string[], env: Record<string, string | undefined>, lines: string[]): ManagedChild {
  return new ManagedChild({
    name, command, args, cwd: ROOT, env,
    onLine: (line) => {
      lines.push(line);
      if (lines.length > 5000) lines.splice(0, lines.length - 5000);
    },
  });
}

export interface BenchStackOptions {
  emulatorProfile: 'test' | 'demo';
  /** Enforce AWS's per-API request rates (emulator/core/apiRates.ts) on top of the profile's fast timings. */
  apiRates: boolean;
  log: (line: string) => void;
}

/**
 * SQLite as the dev server's persistence under hundreds of workflows: WAL lets readers
 * (visibility, namespace refresh) proceed beside the writer, and busy_timeout makes a
 * locked database wait instead of failing the call at once.
 */
export const BENCH_SQLITE_PRAGMAS = ['journal_mode=WAL', 'synchronous=NORMAL', 'busy_timeout=10000'];

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const dir = await mkdtemp(join(tmpdir(), 'shardpilot-bench-'));
  const started: ManagedChild[] = [];
  const stopAll = async () => {
    for (const c of started.reverse()) await c.stop(10_000);
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
  };
  let emulator: RunningEmulator | undefined;
  try {
    const temporalPort = await freePort();
    const temporalAddress = `127.0.0.1:${temporalPort}`;
    const temporalLines: string[] = [];
    const temporal = child('temporal', requireTemporalCli(process.env), devServerArgs({
      ip: '127.0.0.1', port: temporalPort, namespace: NAMESPACE, dbFile: join(dir, 'temporal.sqlite'), logLevel: 'error',
    }).concat(BENCH_SQLITE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma])), { PATH: process.env.PATH, HOME: process.env.HOME }, temporalLines);
    started.push(temporal);
    options.log(`temporal dev server on ${temporalAddress} (SQLite in ${dir})`);
    await waitForTemporal(temporalAddress, NAMESPACE, {
      timeoutMs: 120_000, abandoned: () => (temporal.exit ? `dev server exited: ${temporalLines.slice(-5).join(' | ')}` : undefined),
    });

    // Every call kept: the report counts calls per API over the whole run.
    emulator = await startEmulator({
      profile: options.emulatorProfile,
      overrides: { port: 0, callLogLimit: 5_000_000, ...(options.apiRates ? { apiRates: { enabled: true } } : {}) },
    });
    options.log(`emulator on ${emulator.url} (profile ${options.emulatorProfile}${options.apiRates ? ', AWS per-API rates enforced' : ''})`);

    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      AWS_ENDPOINT_URL: emulator.url,
      AWS_REGION: 'us-east-1',
      LOG_LEVEL: 'warn',
    };
    const workerLines: string[] = [];
    const worker = child('worker', process.execPath, ['--import', 'tsx', 'workers/main.ts'], env, workerLines);
    started.push(worker);
    await waitForWorker({ address: temporalAddress }, NAMESPACE, TASK_QUEUE, {
      timeoutMs: 300_000, abandoned: () => (worker.exit ? `worker exited: ${workerLines.slice(-5).join(' | ')}` : undefined),
    });
    options.log(`worker polling (pid ${worker.pid})`);

    const apiPort = await freePort();
    const apiLines: string[] = [];
    const api = child('api', process.execPath, ['--import', 'tsx', 'api/server.ts'], {
      ...env, API_PORT: String(apiPort), API_WRITE_RATE_LIMIT_PER_MINUTE: '100000',
    }, apiLines);
    started.push(api);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitForHttp(`${apiUrl}/healthz`, {
      timeoutMs: 120_000, abandoned: () => (api.exit ? `API exited: ${apiLines.slice(-5).join(' | ')}` : undefined),
    });
    options.log(`API on ${apiUrl}`);
    return { temporalAddress, namespace: NAMESPACE, apiUrl, emulator, temporal, worker, api, workerLines, temporalLines, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
