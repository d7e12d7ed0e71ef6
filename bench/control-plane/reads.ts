/**
 * The read path under load, measured with autocannon at a fixed request rate:
 * `GET /pipelines/:id` spread over every pipeline, and `GET /pipelines` (Temporal visibility).
 *
 * How autocannon 8 keeps a rate, and why its latencies are taken as measured: each
 * connection sends its share of a second's requests back to back when the second begins
 * (httpClient.js resets a per-second counter), so 200/s from 20 connections is a burst of
 * 200 with 20 in flight at each second's start — harsher than evenly spaced requests, and
 * kept. Its coordinated-omission correction records each response with an expected interval
 * of `Math.ceil(1 / rate)` (run.js), 1 ms for any rate of one a second or more, so a 150 ms
 * response also counted 149 invented ones of 149…1 ms, a distribution no client saw (the
 * load's real interval per connection is 100 ms, its burst aside). So
 * `ignoreCoordinatedOmission`: every response counted once, as measured. And a warm-up at
 * the same rate, not counted, so the figures are the API's steady state rather than its
 * first second (JIT; that second's slowest responses took 100–400 ms in 3-pipeline runs).
 *
 * The lockstep burst makes the p99 about the time the API needs to answer all 200, which on a
 * loaded machine is its CPU share (3 pipelines, niced at load 7: p99 110–200 ms, while a read
 * costs the API well under a millisecond of CPU). Clients that are not synchronised to the same
 * millisecond are measured too: benchSpreadStatusReads.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

export interface ReadLoad {
  /** `status-spread`: the same status load from clients whose seconds start at different moments (benchSpreadStatusReads). */
  kind: 'status' | 'status-spread' | 'list';
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

/** Not counted: the same load for a few seconds before the measured window. */
const WARMUP_SECONDS = 3;

/** How old the served status answers were; counts only while `counting` (not during the warm-up). */
class FreshnessTally {
  counting = false;
  private readonly ages: number[] = [];
  private fromQuery = 0;
  private fromCache = 0;

  onResponse = (status: number, body: string): void => {
    if (!this.counting || status !== 200) return;
    const freshness = (JSON.parse(body) as { freshness?: { ageMs: number; source: string } }).freshness;
    if (!freshness) return;
    this.ages.push(freshness.ageMs);
    if (freshness.source === 'query') this.fromQuery++;
    else this.fromCache++;
  };

  summary(): NonNullable<ReadRun['freshness']> {
    const ages = [...this.ages].sort((a, b) => a - b);
    return {
      maxAgeMs: ages[ages.length - 1] ?? 0,
      p99AgeMs: ages[Math.max(0, Math.ceil(ages.length * 0.99) - 1)] ?? 0,
      fromQuery: this.fromQuery,
      fromCache: this.fromCache,
    };
  }
}

/** The same load for WARMUP_SECONDS, not counted: the measured window finds the API warm (JIT), not cold. */
async function warmUp(load: autocannon.Options): Promise<void> {
  await autocannon({ ...load, duration: WARMUP_SECONDS });
}

function statusRequests(ids: string[], tally: FreshnessTally): autocannon.Request[] {
  return [{
    method: 'GET',
    setupRequest: (request) => ({ ...request, path: `/pipelines/${ids[Math.floor(Math.random() * ids.length)]}` }),
    onResponse: (status, body) => tally.onResponse(status, body),
  }];
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
  /** Seconds of the same load before the measured window, not counted. */
  warmupSeconds?: number;
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
    warmupSeconds: WARMUP_SECONDS,
  };
}

export async function benchStatusReads(
  apiUrl: string, ids: string[], options: { rate: number; connections: number; seconds: number }, warmup?: Warmup,
): Promise<ReadRun> {
  const tally = new FreshnessTally();
  const load: autocannon.Options = {
    url: apiUrl,
    connections: options.connections,
    overallRate: options.rate,
    duration: options.seconds,
    ignoreCoordinatedOmission: true,
    requests: statusRequests(ids, tally),
  };
  await warmUp(load);
  tally.counting = true;
  const result = await autocannon(load);
  const run = summary('GET /pipelines/:id', options.rate, result);
  run.freshness = tally.summary();
  if (warmup) run.warmup = warmup;
  return run;
}

/**
 * The same 200/s from 20 clients, each its own autocannon instance with one connection and
 * 10 requests a second, their seconds starting 50 ms apart: 20 independent clients rather
 * than 20 in lockstep. Each client still sends its 10 back to back. Latencies from every
 * response of the measured window (after one uncounted warm-up), as measured.
 */
export async function benchSpreadStatusReads(
  apiUrl: string, ids: string[], options: { rate: number; connections: number; seconds: number },
): Promise<ReadRun> {
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  const tally = new FreshnessTally();
  await warmUp({ url: apiUrl, connections: options.connections, overallRate: options.rate, requests: statusRequests(ids, tally) });
  tally.counting = true;
  const offsetMs = 1000 / options.connections;
  const results = await Promise.all(Array.from({ length: options.connections }, async (_, i) => {
    await new Promise((r) => setTimeout(r, i * offsetMs));
    const load: autocannon.Options = {
      url: apiUrl,
      connections: 1,
      overallRate: options.rate / options.connections,
      duration: options.seconds,
      ignoreCoordinatedOmission: true,
      requests: statusRequests(ids, tally),
    };
    // The promise form also is the run's tracker (an EventEmitter), which @types/autocannon leaves out.
    const instance = autocannon(load) as unknown as autocannon.Instance & Promise<autocannon.Result>;
    const tracker: autocannon.Instance = instance;
    tracker.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    });
    return await instance;
  }));
  latencies.sort((a, b) => a - b);
  const tenth = (ms: number) => Math.round(ms * 10) / 10;
  const at = (q: number) => tenth(latencies[Math.max(0, Math.ceil(latencies.length * q) - 1)] ?? NaN);
  const duration = Math.max(...results.map((r) => r.duration));
  return {
    route: 'GET /pipelines/:id (20 independent clients)',
    connections: options.connections,
    targetRatePerSecond: options.rate,
    durationSeconds: duration,
    requests: latencies.length,
    achievedRatePerSecond: Math.round((latencies.length / duration) * 10) / 10,
    latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: tenth(latencies.at(-1) ?? NaN) },
    statusCounts,
    errors5xx: results.reduce((n, r) => n + r['5xx'], 0),
    connectionErrors: results.reduce((n, r) => n + r.errors, 0),
    warmupSeconds: WARMUP_SECONDS,
    freshness: tally.summary(),
  };
}

export async function benchListReads(apiUrl: string, options: { rate: number; connections: number; seconds: number }): Promise<ReadRun> {
  const load: autocannon.Options = {
    url: `${apiUrl}/pipelines?pageSize=50`,
    connections: options.connections,
    overallRate: options.rate,
    duration: options.seconds,
    ignoreCoordinatedOmission: true,
  };
  await warmUp(load);
  const result = await autocannon(load);
  return summary('GET /pipelines', options.rate, result);
}
