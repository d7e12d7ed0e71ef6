/**
 * Replays a trip file into any Kinesis stream, without Temporal, with the same engine
 * the replay activity uses, and a live progress bar.
 *
 *   npm run replay -- --stream NAME --file sample|PATH --speedup 1800|max [--endpoint URL] [--region R]
 *                     [--resume LINE:BYTE] [--aggregate] [--format json|csv]
 *
 * --aggregate sends KPL-aggregated records (many trips per Kinesis record), as the
 * article's replay does with `-aggregate`. --format csv sends each trip as one compact CSV
 * line (~125 bytes instead of ~339 of JSON; data/trip-encoding.ts), which the taxi job reads too.
 *
 * Without --endpoint (and without AWS_ENDPOINT_URL*) it talks to real AWS with the
 * default credential chain. Ctrl-C stops at the next batch boundary and prints the
 * position to resume from.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { loadConfigOrExit, type AwsConfig } from '../config/index.js';
import { createAwsClients, destroyAwsClients } from '../activities/aws/clients.js';
import { runReplay, type ReplayProgressTick } from '../activities/replay/engine.js';
import { TRIP_FORMATS, type TripFormat } from '../data/trip-encoding.js';
import { kplAggregatingSink } from '../activities/replay/kpl-sink.js';
import { kinesisSink } from '../activities/replay/put-records.js';
import { EMPTY_CHECKPOINT, type MalformedLine, type Speedup } from '../activities/replay/types.js';
import { summarizeSource } from '../data/readers/source.js';
import { SAMPLE_FILE, SAMPLE_SOURCE } from '../data/sample.js';

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: replay --stream NAME --file sample|PATH [--speedup 1800|max] [--endpoint URL] [--region R] [--resume LINE:BYTE] [--aggregate] [--format json|csv]\n`);
  process.exit(2);
}

function parseSpeedup(raw: string): Speedup {
  if (raw === 'max') return 'max';
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 1_000_000) usage(`--speedup must be a number above 0 and at most 1000000, or max; got ${raw}`);
  return n;
}

function parseResume(raw: string | undefined): { line: number; byteOffset: number } {
  if (raw === undefined) return { line: 0, byteOffset: 0 };
  const m = /^(\d+):(\d+)$/.exec(raw);
  if (!m) usage(`--resume must be LINE:BYTE as printed by an interrupted run; got ${raw}`);
  return { line: Number(m[1]), byteOffset: Number(m[2]) };
}

function awsFor(base: AwsConfig, endpoint: string | undefined, region: string | undefined): AwsConfig {
  const kinesis = endpoint ?? base.endpoints.kinesis;
  return {
    ...base,
    region: region ?? base.region,
    endpoints: { ...base.endpoints, kinesis },
    local: base.local || (kinesis !== undefined && /^https?:\/\/(127\.|localhost|\[::1\])/.test(kinesis)),
  };
}

function parseFormat(raw: string | undefined): TripFormat {
  if (!(TRIP_FORMATS as readonly string[]).includes(raw ?? '')) usage(`--format must be one of ${TRIP_FORMATS.join(', ')}; got ${raw}`);
  return raw as TripFormat;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stream: { type: 'string' },
      file: { type: 'string' },
      speedup: { type: 'string', default: '1800' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      resume: { type: 'string' },
      aggregate: { type: 'boolean', default: false },
      format: { type: 'string', default: 'json' },
    },
  });
  if (!values.stream) usage('--stream is required');
  const format = parseFormat(values.format);
  if (!values.file) usage('--file is required');
  const config = loadConfigOrExit();
  const speedup = parseSpeedup(values.speedup);
  const file = values.file === SAMPLE_SOURCE ? SAMPLE_FILE : resolve(values.file);
  const from = { ...EMPTY_CHECKPOINT, position: parseResume(values.resume) };

  process.stderr.write(`reading ${file} …\n`);
  const summary = await summarizeSource(file);
  process.stderr.write(`${summary.trips} trips, ${summary.malformed} malformed lines; replaying into ${values.stream} at speedup ${speedup}\n`);

  const clients = createAwsClients(awsFor(config.aws, values.endpoint, values.region));
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const bar = new cliProgress.SingleBar(
    {
      format: '{bar} {percentage}% | {sent}/{total_trips} events | {eps} ev/s | lag {lag}s | throttled {throttled} | malformed {malformed} | ETA {eta_formatted}',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5_000,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = (t: ReplayProgressTick) => ({
    sent: t.checkpoint.eventsSent,
    total_trips: summary.trips,
    eps: Math.round(t.eventsPerSecond),
    lag: (t.checkpoint.lagMs / 1000).toFixed(1),
    throttled: t.checkpoint.throttledRetries,
    malformed: t.checkpoint.malformedLines,
  });
  const malformed: MalformedLine[] = [];
  const started = Date.now();
  bar.start(Math.max(1, summary.lines), from.position.line, payload({ checkpoint: from, anchor: null, eventsPerSecond: 0 }));
  try {
    const result = await runReplay({
      file,
      sink: values.aggregate ? kplAggregatingSink(clients.kinesis, values.stream) : kinesisSink(clients.kinesis, values.stream),
      speedup,
      from,
      anchor: null,
      format,
      signal: abort.signal,
      onProgress: (tick) => bar.update(tick.checkpoint.position.line, payload(tick)),
      onMalformed: (m) => malformed.push(m),
    });
    bar.update(result.finished ? Math.max(1, summary.lines) : result.checkpoint.position.line, payload(result));
    bar.stop();
    const seconds = (Date.now() - started) / 1000;
    const cp = result.checkpoint;
    const sentNow = cp.eventsSent - from.eventsSent;
    process.stdout.write(
      `${result.finished ? 'done' : 'stopped'}: ${sentNow} events in ${seconds.toFixed(1)} s (${Math.round(sentNow / Math.max(seconds, 0.001))} events/s), ` +
        `${cp.throttledRetries} throttled retries, ${cp.failedRetries} other retries, ${cp.malformedLines} malformed lines\n`,
    );
    for (const m of malformed.slice(0, 50)) process.stdout.write(`  malformed line ${m.line}: ${m.reason}\n`);
    if (malformed.length > 50) process.stdout.write(`  … and ${malformed.length - 50} more\n`);
    if (!result.finished) process.stdout.write(`resume with: --resume ${cp.position.line}:${cp.position.byteOffset}\n`);
  } catch (err) {
    bar.stop();
    process.stderr.write(`replay failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    destroyAwsClients(clients);
  }
}

await main();
