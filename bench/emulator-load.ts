/**
 * The load process of the ingest benchmark (started by bench/emulator-ingest.ts): keeps
 * a fixed number of PutRecords calls of 300-byte records in flight against the
 * emulator and reports every call's latency to its parent over IPC.
 */
import { randomBytes } from 'node:crypto';
import { request, Agent } from 'node:http';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';

export interface LoadSettings {
  endpoint: string;
  streamName: string;
  recordBytes: number;
  recordsPerCall: number;
  concurrency: number;
  client: 'sdk' | 'http1';
}

export type LoadMessage =
  | { type: 'calls'; latenciesMs: number[]; records: number; failed: number }
  | { type: 'error'; message: string };

const PAYLOADS = Array.from({ length: 64 }, () => randomBytes(300));

function recordsFor(settings: LoadSettings, offset: number) {
  return Array.from({ length: settings.recordsPerCall }, (_, i) => ({
    PartitionKey: `pk-${(offset + i) % 100_000}`,
    Data: (PAYLOADS[(offset + i) % PAYLOADS.length] as Buffer).subarray(0, settings.recordBytes),
  }));
}

type Sender = (offset: number) => Promise<number>;

function sdkSender(settings: LoadSettings): Sender {
  const client = new KinesisClient({
    endpoint: settings.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  return async (offset) => {
    const out = await client.send(new PutRecordsCommand({ StreamName: settings.streamName, Records: recordsFor(settings, offset) }));
    return out.FailedRecordCount ?? 0;
  };
}

/** Raw keep-alive HTTP/1.1 with pre-serialised bodies: measures the emulator, not the SDK. */
function http1Sender(settings: LoadSettings): Sender {
  const agent = new Agent({ keepAlive: true, maxSockets: settings.concurrency });
  const url = new URL(settings.endpoint);
  const bodies = Array.from({ length: 16 }, (_, b) =>
    JSON.stringify({
      StreamName: settings.streamName,
      Records: recordsFor(settings, b * settings.recordsPerCall).map((r) => ({ PartitionKey: r.PartitionKey, Data: r.Data.toString('base64') })),
    }),
  );
  return (offset) =>
    new Promise((resolve, reject) => {
      const body = bodies[Math.floor(offset / settings.recordsPerCall) % bodies.length] as string;
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/',
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': 'Kinesis_20131202.PutRecords',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString()}`));
            resolve((JSON.parse(Buffer.concat(chunks).toString()) as { FailedRecordCount: number }).FailedRecordCount);
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

function run(settings: LoadSettings): void {
  const send = settings.client === 'sdk' ? sdkSender(settings) : http1Sender(settings);
  let latencies: number[] = [];
  let records = 0;
  let failed = 0;
  let offset = 0;
  const report = setInterval(() => {
    process.send?.({ type: 'calls', latenciesMs: latencies, records, failed } satisfies LoadMessage);
    latencies = [];
    records = 0;
    failed = 0;
  }, 250);
  report.unref();

  const worker = async (): Promise<void> => {
    for (;;) {
      const started = performance.now();
      const myOffset = offset;
      offset += settings.recordsPerCall;
      const failures = await send(myOffset);
      latencies.push(performance.now() - started);
      records += settings.recordsPerCall - failures;
      failed += failures;
    }
  };
  for (let i = 0; i < settings.concurrency; i++) {
    worker().catch((err: unknown) => {
      process.send?.({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies LoadMessage);
      process.exit(1);
    });
  }
}

process.once('message', (settings: LoadSettings) => run(settings));
process.on('disconnect', () => process.exit(0));
