/**
 * The control plane as it runs in production, one process each, on free ports: Temporal
 * (the dev server on a fresh SQLite file, or with `cluster` the production topology:
 * frontend, history, matching and worker services on PostgreSQL, scripts/cluster/), the
 * worker (`workers/main.ts`) and the API (`api/server.ts`). The emulator runs in the
 * benchmark's own process, so its call log is at hand and its CPU is not counted as the
 * worker's. The worker and the Temporal server serve Prometheus metrics, which the bench
 * scrapes to split workflow-task time into worker work and server work (prom.ts).
 */
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { devServerArgs, freePort, waitForTemporal } from '../../scripts/dev-server.js';
import { ManagedChild } from '../../scripts/processes.js';
import { waitForHttp, waitForWorker } from '../../scripts/readiness.js';
import { requireTemporalCli } from '../../scripts/temporal-cli.js';
import { Components } from '../../scripts/cluster/components.js';
import { LocalCluster, freePorts } from '../../scripts/cluster/local-cluster.js';
import { TEMPORAL_SERVICES } from '../../scripts/cluster/temporal-config.js';
import { readClusterTools } from '../../scripts/cluster/tools.js';
import { entryPoint, type Runtime } from '../../scripts/cluster/shardpilot.js';
import { childOf } from './proc-stats.js';

const ROOT = resolve(import.meta.dirname, '../..');
const NAMESPACE = 'default';
export const TASK_QUEUE = 'shardpilot-bench';

/** `dev`: `temporal server start-dev` on SQLite (what `npm run start:local` runs); `cluster`: the production topology on PostgreSQL. */
export type TemporalTopology = 'dev' | 'cluster';

export interface BenchStack {
  topology: TemporalTopology;
  temporalAddress: string;
  namespace: string;
  apiUrl: string;
  emulator: RunningEmulator;
  worker: ManagedChild;
  api: ManagedChild;
  /** Lines the worker printed (its warnings, e.g. slow workflow tasks). */
  workerLines: string[];
  /** The worker's Prometheus endpoint (the SDK's task, RPC and cache metrics). */
  workerMetricsUrl: string;
  /** The Temporal server's Prometheus endpoints (one per service in the cluster). */
  serverMetricsUrls: string[];
  /** The processes whose CPU is the Temporal server's: the dev server, or the four services and PostgreSQL (with its backends). */
  serverProcesses(): Promise<number | number[]>;
  /** The Temporal server's error lines so far. */
  serverErrors(): string[];
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
  temporal: TemporalTopology;
  /** `compiled`: the worker and API from `dist/` (`npm run build`), as shipped; `tsx`: from TypeScript. */
  runtime: Runtime;
  log: (line: string) => void;
}

interface TemporalUnderTest {
  address: string;
  metricsUrls: string[];
  processes(): Promise<number | number[]>;
  errors(): string[];
  stop(): Promise<void>;
}

async function startDevServer(dir: string, log: (line: string) => void): Promise<TemporalUnderTest> {
  const port = await freePort();
  const metricsPort = await freePort();
  const address = `127.0.0.1:${port}`;
  const lines: string[] = [];
  const temporal = child('temporal', requireTemporalCli(process.env), devServerArgs({
    ip: '127.0.0.1', port, namespace: NAMESPACE, dbFile: join(dir, 'temporal.sqlite'), logLevel: 'error',
  }).concat(BENCH_SQLITE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma]), ['--metrics-port', String(metricsPort)]),
  { PATH: process.env.PATH, HOME: process.env.HOME }, lines);
  const stop = async () => {
    await temporal.stop(10_000);
  };
  try {
    log(`temporal dev server on ${address} (SQLite in ${dir})`);
    await waitForTemporal(address, NAMESPACE, {
      timeoutMs: 120_000, abandoned: () => (temporal.exit ? `dev server exited: ${lines.slice(-5).join(' | ')}` : undefined),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    address,
    metricsUrls: [`http://127.0.0.1:${metricsPort}/metrics`],
    processes: () => childOf(temporal.pid as number, 'temporal'),
    errors: () => lines.filter((l) => /error/i.test(l)),
    stop,
  };
}

/** The production topology (scripts/cluster/, as `npm run test:cluster` runs it); needs `bash scripts/setup-cluster.sh` once. */
async function startCluster(dir: string, log: (line: string) => void): Promise<TemporalUnderTest> {
  // PostgreSQL runs as `postgres` when we are root and must reach the folder.
  await chmod(dir, 0o755);
  const components = new Components(join(dir, 'logs'));
  const ports = await freePorts();
  const cluster = await LocalCluster.start({
    tools: readClusterTools(), dir, ports, namespace: NAMESPACE, ui: false, readyTimeoutMs: 300_000,
    onReady: (component, detail) => log(`cluster: ${component}: ${detail}`),
  }, components);
  const services = [...TEMPORAL_SERVICES];
  return {
    address: cluster.frontendAddress,
    metricsUrls: services.map((s) => `http://127.0.0.1:${ports.services[s].metrics}/metrics`),
    processes: async () => ['postgres', ...services].map((name) => components.get(name)?.pid).filter((pid): pid is number => pid !== undefined),
    errors: () => services.flatMap((s) => {
      try {
        return readFileSync(components.logFile(s), 'utf8').split('\n').filter((l) => /"level":"error"|level=error/i.test(l));
      } catch {
        return [];
      }
    }),
    stop: () => cluster.stop(),
  };
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
  let temporal: TemporalUnderTest | undefined;
  const stopAll = async () => {
    for (const c of started.reverse()) await c.stop(10_000);
    await temporal?.stop();
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
  };
  let emulator: RunningEmulator | undefined;
  try {
    temporal = options.temporal === 'cluster' ? await startCluster(dir, options.log) : await startDevServer(dir, options.log);
    const temporalAddress = temporal.address;

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
    const workerMetricsPort = await freePort();
    const worker = child('worker', process.execPath, entryPoint(options.runtime, 'worker'), {
      ...env, METRICS_PORT: String(workerMetricsPort),
    }, workerLines);
    started.push(worker);
    await waitForWorker({ address: temporalAddress }, NAMESPACE, TASK_QUEUE, {
      timeoutMs: 300_000, abandoned: () => (worker.exit ? `worker exited: ${workerLines.slice(-5).join(' | ')}` : undefined),
    });
    options.log(`worker polling (pid ${worker.pid}, ${options.runtime})`);

    const apiPort = await freePort();
    const apiLines: string[] = [];
    const api = child('api', process.execPath, entryPoint(options.runtime, 'api'), {
      ...env, API_PORT: String(apiPort), API_WRITE_RATE_LIMIT_PER_MINUTE: '100000',
    }, apiLines);
    started.push(api);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitForHttp(`${apiUrl}/healthz`, {
      timeoutMs: 120_000, abandoned: () => (api.exit ? `API exited: ${apiLines.slice(-5).join(' | ')}` : undefined),
    });
    options.log(`API on ${apiUrl}`);
    const server = temporal;
    return {
      topology: options.temporal, temporalAddress, namespace: NAMESPACE, apiUrl, emulator, worker, api, workerLines,
      workerMetricsUrl: `http://127.0.0.1:${workerMetricsPort}/metrics`,
      serverMetricsUrls: server.metricsUrls,
      serverProcesses: () => server.processes(),
      serverErrors: () => server.errors(),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
