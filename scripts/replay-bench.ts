/**
 * How close the replay gets to the stream's write limit: replays the sample as fast as
 * possible into a stream of N shards (each accepting 1,000 records/s and 1 MiB/s) and
 * prints the sustained rate as a share of N × 1,000. The target is at least 90 %.
 *
 *   npm run bench:replay -- [--shards 2] [--file sample|PATH] [--endpoint URL] [--aggregate] [--out FILE]
 *
 * With --aggregate it replays twice into fresh streams of the same shards — plain, then
 * KPL-aggregated — and reports user records/s per shard for both, their ratio, and the
 * aggregated run's bytes as a share of the 1 MiB/s-per-shard limit (the limit that binds
 * once records are aggregated). Figures are printed and written to --out (JSON).
 *
 * Without --endpoint an emulator with AWS's write limits is started in this process.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { dirname, resolve } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateStreamCommand, DeleteStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { runReplay } from '../activities/replay/engine.js';
import { kplAggregatingSink } from '../activities/replay/kpl-sink.js';
import { kinesisSink, type RecordSink } from '../activities/replay/put-records.js';
import { EMPTY_CHECKPOINT } from '../activities/replay/types.js';
import { SAMPLE_FILE, SAMPLE_SOURCE } from '../data/sample.js';
import { startEmulator } from '../emulator/server.js';

const { values } = parseArgs({
  options: {
    shards: { type: 'string', default: '2' },
    file: { type: 'string', default: SAMPLE_SOURCE },
    endpoint: { type: 'string' },
    aggregate: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results/replay-bench.json' },
  },
});
const shards = Number(values.shards);
if (!Number.isInteger(shards) || shards < 1) throw new Error(`--shards must be a positive whole number, got ${values.shards}`);
const file = values.file === SAMPLE_SOURCE ? SAMPLE_FILE : resolve(values.file);
const MiB = 1024 * 1024;

const emulator = values.endpoint
  ? null
  : await startEmulator({ profile: 'demo', overrides: { port: 0, kinesis: { createStreamMs: 10, limitsEnabled: true } } });
const endpoint = values.endpoint ?? emulator!.url;
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const kinesis = new KinesisClient({ endpoint, region: 'us-east-1', credentials });
const cloudwatch = new CloudWatchClient({ endpoint, region: 'us-east-1', credentials });

interface RunFigures {
  mode: 'plain' | 'aggregated';
  userRecords: number;
  seconds: number;
  /** User records per second per shard after the first second (the burst an empty window allows). */
  steadyUserRecordsPerShard: number;
  /** Kinesis bytes per second per shard over the same steady window, as a share of 1 MiB/s. */
  steadyByteShare: number | null;
  throttledRetries: number;
}

async function incomingBytes(stream: string, fromMs: number, toMs: number): Promise<number | null> {
  const out = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(Math.floor(fromMs / 1000) * 1000),
      EndTime: new Date(Math.floor(toMs / 1000) * 1000),
      MetricDataQueries: [
        { Id: 'b', MetricStat: { Metric: { Namespace: 'AWS/Kinesis', MetricName: 'IncomingBytes', Dimensions: [{ Name: 'StreamName', Value: stream }] }, Period: 1, Stat: 'Sum' } },
      ],
    }),
  );
  const values = out.MetricDataResults?.[0]?.Values ?? [];
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0);
}

async function run(mode: RunFigures['mode']): Promise<RunFigures> {
  const streamName = `replay-bench-${mode}-${Date.now().toString(36)}`;
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
  while ((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))).StreamDescriptionSummary?.StreamStatus !== 'ACTIVE') {
    await new Promise((r) => setTimeout(r, 50));
  }
  const sink: RecordSink = mode === 'aggregated' ? kplAggregatingSink(kinesis, streamName) : kinesisSink(kinesis, streamName);
  const samples: Array<{ atMs: number; sent: number }> = [];
  const started = Date.now();
  const result = await runReplay({
    file, sink, speedup: 'max', from: EMPTY_CHECKPOINT, anchor: null,
    onProgress: (t) => samples.push({ atMs: Date.now(), sent: t.checkpoint.eventsSent }),
  });
  const seconds = (Date.now() - started) / 1000;
  const steadyFrom = samples.find((s) => s.atMs - started >= 1_000) ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  const steadyMs = Math.max(1, last.atMs - steadyFrom.atMs);
  const steady = ((last.sent - steadyFrom.sent) * 1000) / steadyMs;
  // Whole seconds inside the steady window, so partial seconds at either end do not skew the share.
  const fromSec = Math.ceil(steadyFrom.atMs / 1000) * 1000;
  const toSec = Math.floor(last.atMs / 1000) * 1000;
  const bytes = toSec > fromSec ? await incomingBytes(streamName, fromSec, toSec) : null;
  await kinesis.send(new DeleteStreamCommand({ StreamName: streamName }));
  return {
    mode,
    userRecords: result.checkpoint.eventsSent,
    seconds,
    steadyUserRecordsPerShard: steady / shards,
    steadyByteShare: bytes === null ? null : bytes / ((toSec - fromSec) / 1000) / shards / MiB,
    throttledRetries: result.checkpoint.throttledRetries,
  };
}

function describe(f: RunFigures): string {
  const share = f.steadyByteShare === null ? 'n/a' : `${(f.steadyByteShare * 100).toFixed(1)} % of 1 MiB/s`;
  return (
    `${f.mode}: ${f.userRecords} user records into ${shards} shard(s) in ${f.seconds.toFixed(1)} s; ` +
    `steady ${Math.round(f.steadyUserRecordsPerShard)} user records/s per shard ` +
    `(${((f.steadyUserRecordsPerShard / 1000) * 100).toFixed(1)} % of 1,000 records/s), bytes ${share}; throttled retries ${f.throttledRetries}\n`
  );
}

try {
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  const runs: RunFigures[] = [await run('plain')];
  process.stdout.write(describe(runs[0]!));
  if (values.aggregate) {
    runs.push(await run('aggregated'));
    process.stdout.write(describe(runs[1]!));
    const ratio = runs[1]!.steadyUserRecordsPerShard / runs[0]!.steadyUserRecordsPerShard;
    process.stdout.write(`aggregated ÷ plain: ${ratio.toFixed(2)}× user records/s per shard\n`);
  }
  process.stdout.write(`load average at start: ${load}\n`);
  const out = resolve(values.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), loadAverageAtStart: load, shards, file: values.file, runs }, null, 2)}\n`);
  process.stdout.write(`figures written to ${out}\n`);
} finally {
  kinesis.destroy();
  cloudwatch.destroy();
  await emulator?.close();
}
