/**
 * The read path under load, measured with autocannon at a fixed request rate (latencies
 * corrected for coordinated omission): `GET /pipelines/:id` spread over every pipeline,
 * and `GET /pipelines` (Temporal visibility).
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

export interface ReadLoad {
  kind: 'status' | 'list';
  apiUrl: string;
  ids: string[];
  rate: number;
  connections: number;
  seconds: number;
}

/** The first read of each pipeline, before the measured window (it waits for the workflow; later ones do not). */
export interface Warmup {
  reads: number;
  failed: number;
  seconds: number;
}

export interface ReadRun {
  route: string;
  connections: number;
  targetRatePerSecond: number;
  durationSeconds: number;
  requests: number;
  achievedRatePerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  statusCounts: Record<string, number>;
  errors5xx: number;
  connectionErrors: number;
  /** Status reads only: how old the served answers were and how many the workflow answered itself. */
  freshness?: { maxAgeMs: number; p99AgeMs: number; fromQuery: number; fromCache: number };
  warmup?: Warmup;
}

/** Runs one read load in a child process (read-load.ts) and returns its figures. */
export async function readLoadInChild(load: ReadLoad): Promise<ReadRun> {
  const script = resolve(import.meta.dirname, 'read-load.ts');
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, JSON.stringify(load)], {
    maxBuffer: 16 * 1024 * 1024, timeout: (load.seconds + 600) * 1000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as ReadRun;
}

/** Reads every pipeline once, 20 at a time, so the measured window starts with each pipeline read before. */
export async function warmStatusReads(apiUrl: string, ids: string[]): Promise<Warmup> {
  const started = Date.now();
  let failed = 0;
  const queue = [...ids];
  await Promise.all(Array.from({ length: 20 }, async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const response = await fetch(`${apiUrl}/pipelines/${id}`).catch(() => undefined);
      if (response?.status !== 200) failed++;
      await response?.body?.cancel();
    }
  }));
  return { reads: ids.length, failed, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

function summary(route: string, target: number, result: autocannon.Result): ReadRun {
  const statusCounts: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCounts[code] = stat.count ?? 0;
  return {
    route,
    connections: result.connections,
    targetRatePerSecond: target,
    durationSeconds: result.duration,
    requests: result.requests.total,
    achievedRatePerSecond: Math.round((result.requests.total / result.duration) * 10) / 10,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    statusCounts,
    errors5xx: result['5xx'],
    connectionErrors: result.errors,
  };
}

export async function benchStatusReads(
  apiUrl: string, ids: string[], options: { rate: number; connections: number; seconds: number }, warmup?: Warmup,
): Promise<ReadRun> {
  const ages: number[] = [];
  let fromQuery = 0;
  let fromCache = 0;
  const result = await autocannon({
    url: apiUrl,
    connections: options.connections,
    overallRate: options.rate,
    duration: options.seconds,
    requests: [{
      method: 'GET',
      setupRequest: (request) => ({ ...request, path: `/pipelines/${ids[Math.floor(Math.random() * ids.length)]}` }),
      onResponse: (status, body) => {
        if (status !== 200) return;
        const freshness = (JSON.parse(body) as { freshness?: { ageMs: number; source: string } }).freshness;
        if (!freshness) return;
        ages.push(freshness.ageMs);
        if (freshness.source === 'query') fromQuery++;
        else fromCache++;
      },
    }],
  });
  const run = summary('GET /pipelines/:id', options.rate, result);
  ages.sort((a, b) => a - b);
  run.freshness = {
    maxAgeMs: ages[ages.length - 1] ?? 0,
    p99AgeMs: ages[Math.max(0, Math.ceil(ages.length * 0.99) - 1)] ?? 0,
    fromQuery,
    fromCache,
  };
  if (warmup) run.warmup = warmup;
  return run;
}

export async function benchListReads(apiUrl: string, options: { rate: number; connections: number; seconds: number }): Promise<ReadRun> {
  const result = await autocannon({
    url: `${apiUrl}/pipelines?pageSize=50`,
    connections: options.connections,
    overallRate: options.rate,
    duration: options.seconds,
  });
  return summary('GET /pipelines', options.rate, result);
}
