/**
 * Storage stays bounded: records older than the stream's retention and, beyond the
 * configured memory cap, the oldest chunks are trimmed — readers at TRIM_HORIZON then
 * start at the oldest record still held. Emulator-only: it moves the emulator's clock.
 */
import {
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../emulator/server.js';
import type { RunningEmulator } from '../../../emulator/server.js';
import { kinesisClient } from '../../support/emulator.js';
import { waitForStatus } from './target.js';

let emulator: RunningEmulator | null = null;
let client: KinesisClient | null = null;

afterEach(async () => {
  client?.destroy();
  await emulator?.close();
  emulator = null;
  client = null;
});

async function put(kinesis: KinesisClient, stream: string, from: number, count: number, bytes = 100): Promise<void> {
  for (let start = from; start < from + count; start += 500) {
    const size = Math.min(500, from + count - start);
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: Array.from({ length: size }, (_, i) => ({ PartitionKey: 'k', Data: Buffer.from(String(start + i).padEnd(bytes, '.')) })),
      }),
    );
  }
}

async function firstRecord(kinesis: KinesisClient, stream: string): Promise<number> {
  const iterator = await kinesis.send(
    new GetShardIteratorCommand({ StreamName: stream, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
  );
  const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator, Limit: 1 }));
  return Number.parseInt(Buffer.from(out.Records?.[0]?.Data ?? new Uint8Array()).toString(), 10);
}

describe('Retention and memory cap', () => {
  it('trims records older than the retention period', async () => {
    let offsetMs = 0;
    emulator = await startEmulator({ profile: 'test', clock: { nowMs: () => Date.now() + offsetMs } });
    client = kinesisClient(emulator);
    await client.send(new CreateStreamCommand({ StreamName: 'retained', ShardCount: 1 }));
    await waitForStatus(client, 'retained', 'ACTIVE');
    await put(client, 'retained', 0, 1500);
    offsetMs = 23 * 3600_000;
    await put(client, 'retained', 1500, 10);
    offsetMs = 24 * 3600_000 + 60_000;
    emulator.services.kinesis.store.trimAll();
    expect(await firstRecord(client, 'retained')).toBe(1500);
  });

  it('trims by the retention set with Increase/DecreaseStreamRetentionPeriod', async () => {
    let offsetMs = 0;
    emulator = await startEmulator({ profile: 'test', clock: { nowMs: () => Date.now() + offsetMs } });
    client = kinesisClient(emulator);
    await client.send(new CreateStreamCommand({ StreamName: 'extended', ShardCount: 1 }));
    await waitForStatus(client, 'extended', 'ACTIVE');
    await client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'extended', RetentionPeriodHours: 48 }));
    await waitForStatus(client, 'extended', 'ACTIVE');
    await put(client, 'extended', 0, 1500);
    offsetMs = 30 * 3600_000;
    await put(client, 'extended', 1500, 10);
    emulator.services.kinesis.store.trimAll();
    expect(await firstRecord(client, 'extended')).toBe(0);

    await client.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: 'extended', RetentionPeriodHours: 24 }));
    await waitForStatus(client, 'extended', 'ACTIVE');
    emulator.services.kinesis.store.trimAll();
    expect(await firstRecord(client, 'extended')).toBe(1500);
  });

  it('drops the oldest records once the memory cap is exceeded, keeping the newest', async () => {
    emulator = await startEmulator({ profile: 'test', overrides: { kinesis: { memoryCapBytes: 400_000 } } });
    client = kinesisClient(emulator);
    await client.send(new CreateStreamCommand({ StreamName: 'capped', ShardCount: 1 }));
    await waitForStatus(client, 'capped', 'ACTIVE');
    await put(client, 'capped', 0, 6000);
    const store = emulator.services.kinesis.store;
    expect(store.storedBytes).toBeLessThanOrEqual(400_000);
    const oldest = await firstRecord(client, 'capped');
    expect(oldest).toBeGreaterThan(0);
    // Whole chunks of 1,024 records go at a time, so at least one chunk's worth remains.
    expect(oldest).toBeLessThanOrEqual(6000 - 1024);
  });
});
