/**
 * `npm run bench:sim-vs-workflow`: validates the scaling simulator once against the real
 * thing. One short trace drives the real pipeline workflow (Temporal dev server, the
 * project's worker and activities, the emulator with per-shard limits) and, second by
 * second, the simulator in bench/scaling/sim with the same policy (`adaptive`) and the same
 * parameters; it prints both decision lists and the lag each policy saw, period by period,
 * and writes them as Markdown to bench/out/sim-vs-workflow.md (docs/benchmark.md quotes it).
 *
 * Time is compressed 12×: 5 s periods and ticks stand for 60 s ones, and every time
 * parameter of the policy, the emulator's delays and the simulator's are divided by 12
 * (a 45 s restart takes 4 s, a 3-minute reshard 15 s), so a 2-hour pattern takes 10 minutes.
 * The producer retries throttled records as the simulator's does (oldest first, at most as
 * many as it produces), and the simulator's trace is what the producer really offered each
 * second, so a producer slowed by a loaded machine is not counted as a difference.
 * Not part of npm test: it takes ~15 minutes of wall time and says nothing pass/fail.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { startEmulator } from '../../emulator/server.js';
import type { ScalingRecord } from '../../model/status.js';
import { policies } from '../../scaling/index.js';
import type { MetricsSample, Observation, PolicyConfig, ScalingPolicy } from '../../scaling/types.js';
import { ManagedChild } from '../../scripts/processes.js';
import { devServerArgs, freePort, waitForTemporal } from '../../scripts/dev-server.js';
import { requireTemporalCli } from '../../scripts/temporal-cli.js';
import { cloudWatchClient, flinkClient, kinesisClient } from '../../test/support/emulator.js';
import { startPipeline, testSpec } from '../../test/workflows/lifecycle-harness.js';
import { metricsQuery, scalingHistoryQuery, statusQuery, teardownSignal } from '../../workflows/contract.js';
import { DEFAULT_SIM_OPTIONS, policyController, simulate, type SimOptions } from './sim/simulate.js';
import type { Trace } from './sim/trace.js';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'bench/out');
/** 60 s of the real world per 5 s here. */
const COMPRESSION = 12;
const PERIOD = 60 / COMPRESSION;
/** Records/s one parallelism unit processes, in the emulated job and in the policy's prior. */
const UNIT = 300;
const RESTART_S = 45 / COMPRESSION;
const RESHARD_S = 180 / COMPRESSION;
const SHARDS = 2;
const PARALLELISM = 2;
const LIMITS = { minShards: 1, maxShards: 8, minParallelism: 1, maxParallelism: 16, maxKpus: 64 };

/** The trace in compressed seconds: a quiet start, a ×4 step (more than 2 shards and 2 parallelism carry), back down. */
const SHAPE: Array<[number, number]> = [[0, 400], [120, 1600], [360, 500]];
const DURATION = 720;
const rateAt = (t: number): number => SHAPE.filter(([from]) => from <= t).at(-1)![1];

/** adaptive's time parameters (seconds) divided by the compression; everything else at its default. */
function compressedParameters(): Record<string, number> {
  const defaults = policies.adaptive.defaultParameters;
  const timed = [
    'trendWindowSeconds', 'shortTrendWindowSeconds', 'shardLeadSeconds', 'flinkLeadSeconds', 'sizingHorizonSeconds', 'catchUpSeconds',
    'reshardSeconds', 'lagTargetSeconds', 'flinkLowWindowSeconds', 'flinkMinLowSeconds', 'cliffSeconds', 'shardLowWindowSeconds',
    'recurrenceWindowSeconds', 'restartDowntimeSeconds', 'scaleInHorizonSeconds', 'backlogThresholdMs', 'troughSeconds',
  ];
  const out: Record<string, number> = { recordsPerSecondPerParallelism: UNIT };
  for (const name of timed) out[name] = Math.max(name === 'scaleInHorizonSeconds' ? 60 : 1, Math.round(defaults[name]! / COMPRESSION));
  return out;
}

function trip(i: number): { Data: Buffer; PartitionKey: string } {
  return {
    PartitionKey: `cab-${i % 97}`,
    Data: Buffer.from(JSON.stringify({
      trip_id: `t${i}`, pickup_datetime: '2024-03-01T07:45:00.000Z', dropoff_datetime: '2024-03-01T08:00:00.000Z',
      pickup_latitude: 40.75, pickup_longitude: -73.98, dropoff_latitude: 40.64, dropoff_longitude: -73.78,
      passenger_count: 1, trip_distance: 12.5, total_amount: 52.3,
    })),
  };
}

/**
 * A producer that offers `rateAt(t)` new records a second in 200 ms batches and retries
 * the ones the stream throttled, as the simulator's producer does. Returns the new records
 * it really offered per second (the simulator's trace).
 */
async function produce(kinesis: KinesisClient, streamName: string, durationS: number): Promise<{ offered: number[]; throttled: number; bytes: number }> {
  const TICK_MS = 200;
  const start = Date.now();
  const offered = new Array<number>(durationS).fill(0);
  let retry = 0;
  let throttled = 0;
  let next = 0;
  let bytes = 0;
  for (;;) {
    const elapsed = (Date.now() - start) / 1000;
    if (elapsed >= durationS) break;
    const second = Math.floor(elapsed);
    const fresh = Math.round((rateAt(second) * TICK_MS) / 1000);
    const again = Math.min(retry, fresh);
    const records = Array.from({ length: fresh + again }, (_, i) => trip(next + i));
    bytes ||= records[0]?.Data.length ?? 0;
    next += records.length;
    offered[second]! += fresh;
    let failed = 0;
    for (let i = 0; i < records.length; i += 500) {
      const out = await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records: records.slice(i, i + 500) })).catch(() => null);
      failed += out === null ? Math.min(500, records.length - i) : (out.FailedRecordCount ?? 0);
    }
    throttled += failed;
    retry = retry - again + failed;
    const wait = TICK_MS - ((Date.now() - start) % TICK_MS);
    await new Promise((r) => setTimeout(r, wait));
  }
  return { offered, throttled, bytes };
}

interface Timed {
  /** Seconds since the trace started. */
  t: number;
  target: string;
  reason: string;
}

const describeTarget = (target: { shards?: number; parallelism?: number } | null): string =>
  [target?.shards === undefined ? '' : `${target.shards} shards`, target?.parallelism === undefined ? '' : `parallelism ${target.parallelism}`]
    .filter(Boolean).join(', ');

/** The policy's most specific reason: the one that names the resource it changes. */
const mainReason = (reasons: string[]): string => (reasons.find((r) => /^(Flink|stream):/.test(r)) ?? reasons[0] ?? '').slice(0, 160);

async function runWorkflow(config: PolicyConfig): Promise<{ decisions: Timed[]; lag: Map<number, number>; offered: number[]; throttled: number; bytes: number }> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cli = requireTemporalCli(process.env);
  const port = await freePort();
  const logs: string[] = [];
  const server = new ManagedChild({
    name: 'temporal', command: cli, args: devServerArgs({ ip: '127.0.0.1', port, namespace: 'default', logLevel: 'error' }),
    env: process.env, onLine: (line) => logs.push(line),
  });
  const address = `127.0.0.1:${port}`;
  const emulator = await startEmulator({
    profile: 'test',
    overrides: {
      port: 0,
      callLogLimit: 1000,
      kinesis: { limitsEnabled: true, updateShardCountMs: RESHARD_S * 1000 },
      flink: { updateApplicationMs: RESTART_S * 1000, recordsPerSecondPerSubtask: UNIT, jobTickMs: 100 },
      cloudwatch: { publicationDelayMs: PERIOD * 1000 },
    },
  });
  const kinesis = kinesisClient(emulator);
  const flink = flinkClient(emulator);
  const cloudwatch = cloudWatchClient(emulator);
  try {
    await waitForTemporal(address, 'default', { timeoutMs: 120_000, abandoned: () => (server.exit ? `dev server exited: ${logs.slice(-10).join('\n')}` : undefined) });
    const connection = await NativeConnection.connect({ address });
    const taskQueue = 'sim-vs-workflow';
    console.log('bundling the workflows and starting a worker …');
    const worker = await Worker.create({
      connection, namespace: 'default', taskQueue, workflowsPath: join(ROOT, 'workflows/index.ts'),
      activities: createActivities({ kinesis, flink, cloudwatch, dataDir: join(ROOT, 'data'), scalingPollIntervalMs: 100, pollTiming: { minDelayMs: 50, maxDelayMs: 200 } }),
    });
    const running = worker.run();
    const client = new Client({ connection: await Connection.connect({ address }), namespace: 'default' });
    const id = 'sim-vs-wf';
    const spec = testSpec(id, {
      stream: { shardCount: SHARDS, adopt: false, retentionHours: 24 },
      application: {
        parallelism: PARALLELISM, parallelismPerKpu: 1, runtime: 'FLINK-1_20', snapshotsEnabled: true, adopt: false,
        serviceExecutionRole: 'arn:aws:iam::000000000000:role/flink',
        properties: { 'shardpilot.emulator': { RecordsPerSecondPerSubtask: String(UNIT) } },
      },
      scaling: {
        policy: 'adaptive', enabled: true, intervalSeconds: PERIOD, periodSeconds: PERIOD, cooldownSeconds: Math.round(600 / COMPRESSION),
        limits: LIMITS, settleTimeoutSeconds: 60, verifyTimeoutSeconds: 30, parameters: config.parameters,
      },
    });
    const handle = await startPipeline(client, taskQueue, spec);
    for (let i = 0; ; i++) {
      const s = await handle.query(statusQuery).catch(() => null);
      if (s?.phase === 'RUNNING' && s.capacity !== null) break;
      if (i > 600) throw new Error(`pipeline not RUNNING after 120 s: ${JSON.stringify(s?.phase)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(`pipeline RUNNING; producing for ${DURATION} s …`);
    const startedAt = Date.now();
    // The workflow keeps a bounded window of samples and records: read them every 30 s while the trace runs.
    const records = new Map<string, ScalingRecord>();
    const periods = new Map<number, MetricsSample>();
    const collect = async () => {
      for (const r of await handle.query(scalingHistoryQuery)) records.set(`${r.at} ${r.kind} ${JSON.stringify(r.target)}`, r);
      for (const s of await handle.query(metricsQuery)) periods.set(s.timestamp, s);
    };
    const poll = setInterval(() => void collect().catch(() => undefined), 30_000);
    const produced = await produce(kinesis, `${id}-trips`, DURATION).finally(() => clearInterval(poll));
    await collect();
    const history = [...records.values()].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const samples = [...periods.values()];
    await handle.signal(teardownSignal, { reason: 'sim-vs-workflow done' });
    await handle.result().catch(() => undefined);
    worker.shutdown();
    await running;
    await client.connection.close();
    await connection.close();
    const at = (iso: string) => (Date.parse(iso) - startedAt) / 1000;
    const decisions = history
      .filter((r) => r.kind === 'decision' && r.source === 'policy' && r.target !== null && at(r.at) >= 0)
      .map((r) => ({ t: at(r.at), target: describeTarget(r.target), reason: mainReason(r.reasons) }));
    const lag = new Map<number, number>();
    for (const s of samples) {
      const t = s.timestamp - startedAt / 1000;
      if (t >= 0 && s.millisBehindLatest !== null) lag.set(Math.floor(t / PERIOD) * PERIOD, s.millisBehindLatest);
    }
    return { decisions, lag, ...produced };
  } finally {
    kinesis.destroy();
    flink.destroy();
    cloudwatch.destroy();
    await emulator.close();
    await server.stop(5_000);
  }
}

function runSimulator(offered: number[], bytes: number, config: PolicyConfig): { decisions: Timed[]; lag: Map<number, number> } {
  const trace: Trace = {
    name: 'sim-vs-workflow',
    durationSeconds: offered.length,
    rows: offered.map((recordsPerSecond, t) => ({ t, recordsPerSecond, bytesPerRecord: bytes, trueRatePerParallelism: UNIT })),
  };
  const options: SimOptions = {
    ...DEFAULT_SIM_OPTIONS,
    restartSeconds: Math.round(RESTART_S),
    reshardSeconds: RESHARD_S,
    initial: { shards: SHARDS, parallelism: PARALLELISM, parallelismPerKpu: 1 },
    config,
    configuredUnitRate: UNIT,
    intervalSeconds: PERIOD,
    periodSeconds: PERIOD,
    reportingDelaySeconds: PERIOD,
    verifySeconds: PERIOD,
    sloSeconds: 60 / COMPRESSION,
  };
  const decisions: Timed[] = [];
  const lag = new Map<number, number>();
  const base = policies.adaptive;
  // The same policy, watched: when it decided, and the lag each period it was shown.
  const watched: ScalingPolicy = {
    ...base,
    decide(state, obs: Observation, c) {
      obs.samples.forEach((s: MetricsSample) => {
        if (s.millisBehindLatest !== null) lag.set(s.timestamp - options.startEpoch, s.millisBehindLatest);
      });
      const r = base.decide(state, obs, c);
      if (r.decision.kind === 'scale') decisions.push({ t: obs.now - options.startEpoch, target: describeTarget(r.decision.target), reason: mainReason(r.decision.reasons) });
      return r;
    },
  };
  simulate(trace, policyController(watched, options), options);
  return { decisions, lag };
}

function markdown(wf: Awaited<ReturnType<typeof runWorkflow>>, sim: ReturnType<typeof runSimulator>, load: string): string {
  const lines: string[] = [];
  const offeredTotal = wf.offered.reduce((a, b) => a + b, 0);
  lines.push(`Trace (compressed 12×, 5 s periods): ${SHAPE.map(([t, r]) => `${r} records/s from ${t} s`).join(', ')}; ${DURATION} s; `
    + `start ${SHARDS} shards, parallelism ${PARALLELISM}, ${UNIT} records/s per parallelism unit; restart ${RESTART_S} s, reshard ${RESHARD_S} s. `
    + `The producer offered ${offeredTotal.toLocaleString('en-US')} new records (${((offeredTotal / (SHAPE.reduce((a, [t, r], i) => a + r * ((SHAPE[i + 1]?.[0] ?? DURATION) - t), 0))) * 100).toFixed(1)} % of the shape; `
    + `${wf.throttled.toLocaleString('en-US')} throttled puts retried). Load average ${load}.`);
  lines.push('', '| real workflow (emulator) | | simulator | |', '| --- | --- | --- | --- |', '| t (s) | decision | t (s) | decision |');
  const n = Math.max(wf.decisions.length, sim.decisions.length);
  for (let i = 0; i < n; i++) {
    const a = wf.decisions[i];
    const b = sim.decisions[i];
    lines.push(`| ${a ? a.t.toFixed(0) : ''} | ${a ? `${a.target}: ${a.reason}` : ''} | ${b ? b.t.toFixed(0) : ''} | ${b ? `${b.target}: ${b.reason}` : ''} |`);
  }
  const periods = [...new Set([...wf.lag.keys(), ...sim.lag.keys()])].filter((t) => t < DURATION).sort((x, y) => x - y);
  const slo = (m: Map<number, number>) => [...m.entries()].filter(([t, v]) => t < DURATION && v > (60 / COMPRESSION) * 1000).length;
  const peak = (m: Map<number, number>) => Math.max(0, ...[...m.entries()].filter(([t]) => t < DURATION).map(([, v]) => v));
  lines.push('', `millisBehindLatest as each policy saw it (maximum per ${PERIOD} s period, ms; every 30 s shown):`, '');
  lines.push('| t (s) | workflow | simulator |', '| ---: | ---: | ---: |');
  for (const t of periods.filter((x) => x % 30 === 0)) lines.push(`| ${t} | ${wf.lag.get(t)?.toFixed(0) ?? '–'} | ${sim.lag.get(t)?.toFixed(0) ?? '–'} |`);
  lines.push('', `Peak lag: workflow ${peak(wf.lag).toFixed(0)} ms, simulator ${peak(sim.lag).toFixed(0)} ms; periods above the compressed SLO (5 s): `
    + `workflow ${slo(wf.lag)}, simulator ${slo(sim.lag)}; decisions: workflow ${wf.decisions.length}, simulator ${sim.decisions.length}.`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { loadavg } = await import('node:os');
  const load = () => loadavg().map((l) => l.toFixed(1)).join(', ');
  const before = load();
  const config: PolicyConfig = { cooldownSeconds: Math.round(600 / COMPRESSION), limits: LIMITS, parameters: compressedParameters() };
  const wf = await runWorkflow(config);
  const sim = runSimulator(wf.offered, wf.bytes, config);
  const md = markdown(wf, sim, `${before} at the start, ${load()} at the end (2 shared cores)`);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'sim-vs-workflow.md'), `${md}\n`);
  console.log(`\n${md}\n\nwrote ${join(OUT, 'sim-vs-workflow.md')}`);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
