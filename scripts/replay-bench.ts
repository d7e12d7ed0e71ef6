/**
 * How close the replay gets to the stream's write limit: replays the sample as fast as
 * possible into a stream of N shards (each accepting 1,000 records/s) and prints the
 * sustained rate as a share of N × 1,000. The target is at least 90 %.
 *
 *   npm run bench:replay -- [--shards 2] [--file sample|PATH] [--endpoint URL]
 *
 * Without --endpoint an emulator with AWS's write limits is started in this process.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { CreateStreamCommand, DeleteStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { runReplay } from '../activities/replay/engine.js';
import { kinesisSink } from '../activities/replay/put-records.js';
import { EMPTY_CHECKPOINT } from '../activities/replay/types.js';
import { SAMPLE_FILE, SAMPLE_SOURCE } from '../data/sample.js';
import { startEmulator } from '../emulator/server.js';

const { values } = parseArgs({
  options: {
    shards: { type: 'string', default: '2' },
    file: { type: 'string', default: SAMPLE_SOURCE },
    endpoint: { type: 'string' },
  },
});
const shards = Number(values.shards);
if (!Number.isInteger(shards) || shards < 1) throw new Error(`--shards must be a positive whole number, got ${values.shards}`);
const file = values.file === SAMPLE_SOURCE ? SAMPLE_FILE : resolve(values.file);

const emulator = values.endpoint
  ? null
  : await startEmulator({ profile: 'demo', overrides: { port: 0, kinesis: { createStreamMs: 10, limitsEnabled: true } } });
const endpoint = values.endpoint ?? emulator!.url;
const kinesis = new KinesisClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
const streamName = `replay-bench-${Date.now().toString(36)}`;
try {
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
  while ((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))).StreamDescriptionSummary?.StreamStatus !== 'ACTIVE') {
    await new Promise((r) => setTimeout(r, 50));
  }
  const samples: Array<{ atMs: number; sent: number }> = [];
  const started = Date.now();
  const result = await runReplay({
    file, sink: kinesisSink(kinesis, streamName), speedup: 'max', from: EMPTY_CHECKPOINT, anchor: null,
    onProgress: (t) => samples.push({ atMs: Date.now(), sent: t.checkpoint.eventsSent }),
  });
  const seconds = (Date.now() - started) / 1000;
  const limit = shards * 1000;
  // The first second rides on an empty window (a burst AWS allows too); the steady rate excludes it.
  const steadyFrom = samples.find((s) => s.atMs - started >= 1_000) ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  const steady = ((last.sent - steadyFrom.sent) * 1000) / Math.max(1, last.atMs - steadyFrom.atMs);
  const overall = result.checkpoint.eventsSent / seconds;
  process.stdout.write(
    `${result.checkpoint.eventsSent} events into ${shards} shard(s) in ${seconds.toFixed(1)} s\n` +
      `overall ${Math.round(overall)} records/s = ${((overall / limit) * 100).toFixed(1)} % of ${limit}\n` +
      `steady  ${Math.round(steady)} records/s = ${((steady / limit) * 100).toFixed(1)} % of ${limit} (after the first second)\n` +
      `throttled retries ${result.checkpoint.throttledRetries}, other retries ${result.checkpoint.failedRetries}\n`,
  );
  await kinesis.send(new DeleteStreamCommand({ StreamName: streamName }));
} finally {
  kinesis.destroy();
  await emulator?.close();
}
