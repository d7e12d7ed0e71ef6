/**
 * How close the replay gets to the stream's write limit: replays the sample as fast as
 * possible into a stream of N shards (each accepting 1,000 records/s and 1 MiB/s) and
 * prints the sustained rate as a share of N × 1,000. The target is at least 90 %.
 *
 *   npm run bench:replay -- [--shards 2] [--file sample|PATH] [--endpoint URL] [--aggregate] [--format json|csv]
 *                           [--record-bytes N --seconds 12] [--out FILE]
 *
 * With --aggregate it replays twice into fresh streams of the same shards — plain, then
 * KPL-aggregated — and reports user records/s per shard for both, their ratio, and the
 * aggregated run's bytes as a share of the 1 MiB/s-per-shard limit (the limit that binds
 * once records are aggregated), with the bytes each user record takes on the wire — from
 * which the ceiling 1 MiB/s ÷ bytes per record follows. Figures are printed and written to
 * --out (JSON).
 *
 * --record-bytes N sends user records of N data bytes (keys like trip ids) instead of the
 * trips, for --seconds each run, through the same sinks and retries as the replay: it shows
 * what aggregation gives for records of another size (a trip as a TLC CSV line is ~128 B;
 * the replay sends trips as the article's ~339 B JSON). --format csv replays the real trips
 * as compact CSV lines (~125 B; data/trip-encoding.ts), in both runs.
 *
 * Without --endpoint an emulator with AWS's write limits is started in a process of its
 * own (scripts/lib/bench-emulator.ts), as the real stream is not in the producer's process.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { dirname, resolve } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateStreamCommand, DeleteStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { DEFAULT_RETRY, runReplay } from '../activities/replay/engine.js';
import { RecordBatch } from '../activities/replay/batch.js';
import { kplAggregatingSink } from '../activities/replay/kpl-sink.js';
import { kinesisSink, sendBatch, type RecordSink } from '../activities/replay/put-records.js';
import { EMPTY_CHECKPOINT } from '../activities/replay/types.js';
import { SAMPLE_FILE, SAMPLE_SOURCE } from '../data/sample.js';
import { TRIP_FORMATS, type TripFormat } from '../data/trip-encoding.js';

const { values } = parseArgs({
  options: {
    shards: { type: 'string', default: '2' },
    file: { type: 'string', default: SAMPLE_SOURCE },
    endpoint: { type: 'string' },
    aggregate: { type: 'boolean', default: false },
    format: { type: 'string', default: 'json' },
    'record-bytes': { type: 'string' },
    seconds: { type: 'string', default: '12' },
    out: { type: 'string', default: 'bench/results/replay-bench.json' },
  },
});
const shards = Number(values.shards);
if (!Number.isInteger(shards) || shards < 1) throw new Error(`--shards must be a positive whole number, got ${values.shards}`);
const recordBytes = values['record-bytes'] === undefined ? null : Number(values['record-bytes']);
if (recordBytes !== null && (!Number.isInteger(recordBytes) || recordBytes < 1 || recordBytes > 1_000_000)) {
  throw new Error(`--record-bytes must be a whole number of bytes from 1 to 1,000,000, got ${values['record-bytes']}`);
}
const seconds = Number(values.seconds);
if (!(seconds >= 3)) throw new Error(`--seconds must be at least 3, got ${values.seconds}`);
const file = values.file === SAMPLE_SOURCE ? SAMPLE_FILE : resolve(values.file);
if (!(TRIP_FORMATS as readonly string[]).includes(values.format)) throw new Error(`--format must be one of ${TRIP_FORMATS.join(', ')}, got ${values.format}`);
const format = values.format as TripFormat;
const MiB = 1024 * 1024;

const emulator = values.endpoint ? null : fork(resolve(import.meta.dirname, 'lib/bench-emulator.ts'), [], { execArgv: ['--import', 'tsx'] });
const endpoint =
  values.endpoint ??
  (await new Promise<string>((ready, fail) => {
    emulator!.once('message', (m: { url: string }) => ready(m.url));
    emulator!.once('exit', (code) => fail(new Error(`the emulator process exited (${code}) before it listened`)));
  }));
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
  /** Kinesis data bytes stored per user record (IncomingBytes ÷ user records): 1 MiB/s divided by it is the ceiling per shard. */
  wireBytesPerUserRecord: number | null;
  throttledRetries: number;
}

/**
 * Sends synthetic user records of `bytes` data bytes for `seconds`, batched as the engine
 * batches for this sink and sent with the replay's own retries.
 */
async function sendSynthetic(sink: RecordSink, bytes: number, forSeconds: number, onProgress: (sent: number) => void) {
  const until = Date.now() + forSeconds * 1000;
  const retry = { ...DEFAULT_RETRY, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
  let sent = 0;
  let throttledRetries = 0;
  while (Date.now() < until) {
    const batch = new RecordBatch(sink.batchLimits);
    for (;;) {
      const data = Buffer.alloc(bytes, 0x61);
      data.write(String(sent + batch.size), 0, 'latin1');
      const record = { partitionKey: randomBytes(9).toString('base64url').slice(0, 14), data };
      if (!batch.fits(record)) break;
      batch.add(record, 0);
      if (batch.full) break;
    }
    throttledRetries += (await sendBatch(sink, batch.records, retry)).throttledRetries;
    sent += batch.size;
    onProgress(sent);
  }
  return { sent, throttledRetries };
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
  const onSent = (sent: number) => samples.push({ atMs: Date.now(), sent });
  const result =
    recordBytes === null
      ? await runReplay({ file, sink, speedup: 'max', from: EMPTY_CHECKPOINT, anchor: null, format, onProgress: (t) => onSent(t.checkpoint.eventsSent) }).then((r) => ({
          sent: r.checkpoint.eventsSent,
          throttledRetries: r.checkpoint.throttledRetries,
        }))
      : await sendSynthetic(sink, recordBytes, seconds, onSent);
  const elapsed = (Date.now() - started) / 1000;
  const steadyFrom = samples.find((s) => s.atMs - started >= 1_000) ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  const steadyMs = Math.max(1, last.atMs - steadyFrom.atMs);
  const steady = ((last.sent - steadyFrom.sent) * 1000) / steadyMs;
  // Whole seconds inside the steady window, so partial seconds at either end do not skew the share.
  const fromSec = Math.ceil(steadyFrom.atMs / 1000) * 1000;
  const toSec = Math.floor(last.atMs / 1000) * 1000;
  const bytes = toSec > fromSec ? await incomingBytes(streamName, fromSec, toSec) : null;
  // Every stored byte of the run over every user record: what one record costs on the wire.
  const allBytes = await incomingBytes(streamName, started - 1_000, Date.now() + 1_000);
  await kinesis.send(new DeleteStreamCommand({ StreamName: streamName }));
  return {
    mode,
    userRecords: result.sent,
    seconds: elapsed,
    steadyUserRecordsPerShard: steady / shards,
    steadyByteShare: bytes === null ? null : bytes / ((toSec - fromSec) / 1000) / shards / MiB,
    wireBytesPerUserRecord: allBytes === null || result.sent === 0 ? null : allBytes / result.sent,
    throttledRetries: result.throttledRetries,
  };
}

function describe(f: RunFigures): string {
  const share = f.steadyByteShare === null ? 'n/a' : `${(f.steadyByteShare * 100).toFixed(1)} % of 1 MiB/s`;
  return (
    `${f.mode}: ${f.userRecords} user records${recordBytes === null ? '' : ` of ${recordBytes} B`} into ${shards} shard(s) in ${f.seconds.toFixed(1)} s; ` +
    `steady ${Math.round(f.steadyUserRecordsPerShard)} user records/s per shard ` +
    `(${((f.steadyUserRecordsPerShard / 1000) * 100).toFixed(1)} % of 1,000 records/s), bytes ${share}` +
    (f.wireBytesPerUserRecord === null ? '' : ` (${f.wireBytesPerUserRecord.toFixed(1)} B per user record on the wire: ceiling ${Math.round(MiB / f.wireBytesPerUserRecord)} user records/s per shard)`) +
    `; throttled retries ${f.throttledRetries}\n`
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
  process.stdout.write(`load average at start: ${load}; at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  const out = resolve(values.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), loadAverageAtStart: load, loadAverageAtEnd: loadavg().map((l) => l.toFixed(2)).join(' '), shards, ...(recordBytes === null ? { file: values.file, format } : { recordBytes, secondsPerRun: seconds }), runs }, null, 2)}\n`);
  process.stdout.write(`figures written to ${out}\n`);
} finally {
  kinesis.destroy();
  cloudwatch.destroy();
  emulator?.disconnect();
}
