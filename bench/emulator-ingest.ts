/**
 * `npm run bench:emulator`: sustained PutRecords ingest into the emulator from a
 * separate load process, 300-byte records, limits off. Prints records/s and call
 * latency percentiles every second as the stream grows, and p50/p99 around 0, 1 M and
 * 5 M stored records; writes the figures to bench/out/emulator-ingest.json.
 *
 * Options: --seconds N (default 150), --records N (stop once stored, default 5.2 M),
 * --shards N (default 64), --concurrency N (default 8), --client sdk|http1 (default sdk).
 */
import { fork } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { startEmulator } from '../emulator/server.js';
import type { LoadMessage, LoadSettings } from './emulator-load.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '150' },
    records: { type: 'string', default: '5200000' },
    shards: { type: 'string', default: '64' },
    concurrency: { type: 'string', default: '8' },
    client: { type: 'string', default: 'sdk' },
  },
});
const seconds = Number(args.seconds);
const targetRecords = Number(args.records);
const CHECKPOINTS = [0, 1_000_000, 5_000_000];
const CHECKPOINT_WINDOW = 250_000;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const emulator = await startEmulator({
  profile: 'test',
  overrides: {
    port: 0,
    callLogLimit: 1000,
    kinesis: { limitsEnabled: false, memoryCapBytes: 4 * 1024 ** 3, createStreamMs: 0 },
  },
});
const streamName = 'bench-ingest';
const admin = new KinesisClient({ endpoint: emulator.url, region: 'us-east-1', credentials: { accessKeyId: 'b', secretAccessKey: 'b' } });
await admin.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: Number(args.shards) }));
while ((await admin.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))).StreamDescriptionSummary?.StreamStatus !== 'ACTIVE') {
  await new Promise((resolve) => setTimeout(resolve, 10));
}
admin.destroy();

const settings: LoadSettings = {
  endpoint: emulator.url,
  streamName,
  recordBytes: 300,
  recordsPerCall: 500,
  concurrency: Number(args.concurrency),
  client: args.client === 'http1' ? 'http1' : 'sdk',
};
const load = fork(join(here, 'emulator-load.ts'), [], { execArgv: ['--import', 'tsx'] });
load.send(settings);

interface Second {
  second: number;
  stored: number;
  recordsPerSecond: number;
  calls: number;
  p50Ms: number;
  p99Ms: number;
  heapMb: number;
  externalMb: number;
  /** Share of one core the emulator process used in this second. */
  emulatorCpuPercent: number;
  /**
   * Emulator CPU per stored record in this second: independent of how much CPU the rest
   * of the machine leaves us, so it shows whether the cost grows with the stream.
   */
  cpuMicrosPerRecord: number;
}
const series: Second[] = [];
const checkpointLatencies = new Map<number, number[]>(CHECKPOINTS.map((c) => [c, []]));
let stored = 0;
let secondLatencies: number[] = [];
let secondRecords = 0;
let failedRecords = 0;

load.on('message', (message: LoadMessage) => {
  if (message.type === 'error') {
    process.stderr.write(`load process failed: ${message.message}\n`);
    return;
  }
  for (const checkpoint of CHECKPOINTS) {
    if (stored >= checkpoint && stored < checkpoint + CHECKPOINT_WINDOW) checkpointLatencies.get(checkpoint)?.push(...message.latenciesMs);
  }
  stored += message.records;
  failedRecords += message.failed;
  secondRecords += message.records;
  secondLatencies.push(...message.latenciesMs);
});

process.stdout.write(`emulator ${emulator.url}, ${args.shards} shards, ${settings.concurrency} calls in flight, client ${settings.client}\n`);
// The load process needs a few seconds to start; the clock starts with its first records.
await new Promise<void>((resolve) => {
  const poll = setInterval(() => {
    if (stored > 0) {
      clearInterval(poll);
      resolve();
    }
  }, 20);
});
process.stdout.write('  sec     stored   records/s  calls   p50 ms   p99 ms  heap MB  buffers MB  emulator CPU %  CPU µs/record\n');
const started = Date.now();
const cpuAtStart = process.cpuUsage();
let cpuBefore = process.cpuUsage();
await new Promise<void>((resolve) => {
  const tick = setInterval(() => {
    const cpuSecond = process.cpuUsage(cpuBefore);
    cpuBefore = process.cpuUsage();
    const sorted = [...secondLatencies].sort((a, b) => a - b);
    const memory = process.memoryUsage();
    const row: Second = {
      second: series.length + 1,
      stored,
      recordsPerSecond: secondRecords,
      calls: sorted.length,
      p50Ms: Number(percentile(sorted, 50).toFixed(1)),
      p99Ms: Number(percentile(sorted, 99).toFixed(1)),
      heapMb: Math.round(memory.heapUsed / 1024 ** 2),
      // `external` already includes the Buffers' ArrayBuffers.
      externalMb: Math.round(memory.external / 1024 ** 2),
      emulatorCpuPercent: Math.round((cpuSecond.user + cpuSecond.system) / 10_000),
      cpuMicrosPerRecord: secondRecords === 0 ? 0 : Number(((cpuSecond.user + cpuSecond.system) / secondRecords).toFixed(2)),
    };
    series.push(row);
    process.stdout.write(
      `${String(row.second).padStart(5)} ${String(row.stored).padStart(10)} ${String(row.recordsPerSecond).padStart(11)} ${String(row.calls).padStart(6)} ` +
        `${row.p50Ms.toFixed(1).padStart(8)} ${row.p99Ms.toFixed(1).padStart(8)} ${String(row.heapMb).padStart(8)} ${String(row.externalMb).padStart(11)} ${String(row.emulatorCpuPercent).padStart(15)} ${row.cpuMicrosPerRecord.toFixed(2).padStart(14)}\n`,
    );
    secondLatencies = [];
    secondRecords = 0;
    if (stored >= targetRecords || Date.now() - started >= seconds * 1000) {
      clearInterval(tick);
      resolve();
    }
  }, 1000);
});
load.kill();
const cpuTotal = process.cpuUsage(cpuAtStart);
const emulatorCpuSeconds = (cpuTotal.user + cpuTotal.system) / 1e6;
const recordsPerEmulatorCpuSecond = Math.round(stored / Math.max(emulatorCpuSeconds, 0.001));

const steady = series.slice(2);
const sustained = steady.length === 0 ? 0 : Math.round(steady.reduce((sum, s) => sum + s.recordsPerSecond, 0) / steady.length);
const checkpoints = CHECKPOINTS.map((at) => {
  const sorted = (checkpointLatencies.get(at) ?? []).sort((a, b) => a - b);
  const window = series.filter((s) => s.stored - s.recordsPerSecond >= at && s.stored <= at + CHECKPOINT_WINDOW && s.recordsPerSecond > 0);
  const cpuMicros = window.reduce((sum, s) => sum + s.cpuMicrosPerRecord * s.recordsPerSecond, 0);
  const records = window.reduce((sum, s) => sum + s.recordsPerSecond, 0);
  return {
    storedRecords: at,
    calls: sorted.length,
    p50Ms: Number(percentile(sorted, 50).toFixed(1)),
    p99Ms: Number(percentile(sorted, 99).toFixed(1)),
    cpuMicrosPerRecord: records === 0 ? null : Number((cpuMicros / records).toFixed(2)),
  };
});
const summary = {
  when: new Date().toISOString(),
  settings: { ...settings, shards: Number(args.shards), seconds, targetRecords },
  storedRecords: stored,
  failedRecords,
  sustainedRecordsPerSecond: sustained,
  /** Throughput per second of emulator CPU: what one dedicated core sustains, whatever else the machine runs. */
  recordsPerEmulatorCpuSecond,
  emulatorCpuSeconds,
  loadAverage: loadavg(),
  checkpoints,
  series,
};
const outFile = join(here, 'out', 'emulator-ingest.json');
await mkdir(dirname(outFile), { recursive: true });
await writeFile(outFile, `${JSON.stringify(summary, null, 2)}\n`);
process.stdout.write(`\nsustained ${sustained} records/s over ${steady.length} s; ${stored} records stored, ${failedRecords} failed\n`);
process.stdout.write(
  `emulator used ${emulatorCpuSeconds.toFixed(1)} CPU-s: ${recordsPerEmulatorCpuSecond} records per CPU-second ` +
    `(load average ${summary.loadAverage.map((l) => l.toFixed(1)).join(' ')})\n`,
);
for (const c of checkpoints) {
  process.stdout.write(
    `  at ${String(c.storedRecords).padStart(9)} stored: p50 ${c.p50Ms} ms, p99 ${c.p99Ms} ms (${c.calls} calls), ` +
      `emulator CPU ${c.cpuMicrosPerRecord ?? '-'} µs/record\n`,
  );
}
process.stdout.write(`figures written to ${outFile}\n`);
await emulator.close();
