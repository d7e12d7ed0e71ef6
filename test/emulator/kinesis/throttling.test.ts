/**
 * Per-shard throughput limits on a sliding second. Runs with the emulator's limits
 * switched on (the default test profile turns them off for functional tests).
 */
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ProvisionedThroughputExceededException,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget, waitForStatus } from './target.js';
import type { ConformanceTarget } from './target.js';

let target: ConformanceTarget;
let kinesis: KinesisClient;

beforeAll(async () => {
  target = await openTarget({ kinesis: { limitsEnabled: true } });
  kinesis = target.kinesis({ maxAttempts: 1 });
});
afterAll(async () => target.close());

async function activeStream(label: string, shards: number): Promise<string> {
  const name = target.streamName(label);
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await waitForStatus(kinesis, name, 'ACTIVE');
  return name;
}

describe('Write limits', () => {
  it('a PutRecords burst above 2 shards’ limit fails some records per record while the rest succeed', async () => {
    const stream = await activeStream('burst', 2);
    const upper = String(2n ** 128n - 1n);
    // 6,000 records at once, three times what two shards accept in a second: even on a loaded machine
    // where the calls spread over a few seconds, some are refused.
    const calls = Array.from({ length: 12 }, (_, c) =>
      kinesis.send(
        new PutRecordsCommand({
          StreamName: stream,
          Records: Array.from({ length: 500 }, (_, i) => ({
            PartitionKey: `k-${c}-${i}`,
            ExplicitHashKey: i % 2 === 0 ? '0' : upper,
            Data: Buffer.alloc(100, 1),
          })),
        }),
      ),
    );
    const started = Date.now();
    const results = await Promise.all(calls);
    const windows = Math.max(1, Math.ceil((Date.now() - started) / 1000));
    const entries = results.flatMap((r) => r.Records ?? []);
    const failed = entries.filter((e) => e.ErrorCode !== undefined);
    const succeeded = entries.filter((e) => e.SequenceNumber !== undefined);
    expect(results.reduce((sum, r) => sum + (r.FailedRecordCount ?? 0), 0)).toBe(failed.length);
    expect(succeeded.length).toBeGreaterThanOrEqual(1000);
    // Two shards accept 2,000 records per sliding second (more only if the burst took longer).
    expect(succeeded.length).toBeLessThanOrEqual(2000 * windows);
    expect(failed.length).toBeGreaterThan(0);
    for (const entry of failed) {
      expect(entry.ErrorCode).toBe('ProvisionedThroughputExceededException');
      expect(entry.ErrorMessage).toMatch(new RegExp(`^Rate exceeded for shard shardId-00000000000[01] in stream ${stream} under account \\d{12}\\.$`));
      expect(entry.SequenceNumber).toBeUndefined();
    }
  });

  it('PutRecord beyond 1 MiB per second on one shard is rejected with ProvisionedThroughputExceededException', async () => {
    const stream = await activeStream('bytes', 1);
    const send = () => kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'k', Data: Buffer.alloc(400 * 1024) }));
    // Sent together so all three fall into the same second even on a loaded machine.
    const outcomes = await Promise.all([send(), send(), send()].map((p) => p.then(() => 'ok', (e: unknown) => e)));
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(2);
    expect(outcomes.find((o) => o !== 'ok')).toBeInstanceOf(ProvisionedThroughputExceededException);
  });
});

describe('Read limits', () => {
  it('more than 5 GetRecords per second on one shard is rejected with ProvisionedThroughputExceededException', async () => {
    const stream = await activeStream('reads', 1);
    const it0 = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: stream, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => kinesis.send(new GetRecordsCommand({ ShardIterator: it0.ShardIterator })).then(() => 'ok', (e: unknown) => e)),
    );
    expect(outcomes.filter((o) => o === 'ok').length).toBeLessThanOrEqual(5);
    expect(outcomes.some((o) => o instanceof ProvisionedThroughputExceededException)).toBe(true);
  });

  it('a GetRecords call that returned more than 2 MiB leaves no read budget for the rest of the second', async () => {
    // Writes faster than 1 MiB/s on the emulator so the 2.2 MiB are there at once; a real
    // endpoint takes them over a few seconds, offered again while throttled.
    const fast = await openTarget({ kinesis: { limitsEnabled: true, writeBytesPerSecond: 8 * 1024 * 1024 } });
    try {
      const client = fast.kinesis({ maxAttempts: 1 });
      const stream = fast.streamName('read-bytes');
      await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
      await waitForStatus(client, stream, 'ACTIVE');
      let pending = Array.from({ length: 22 }, (_, i) => ({ PartitionKey: `k${i}`, Data: new Uint8Array(100 * 1024).fill(i) }));
      while (pending.length > 0) {
        const out = await client.send(new PutRecordsCommand({ StreamName: stream, Records: pending }));
        pending = pending.filter((_, i) => out.Records?.[i]?.ErrorCode !== undefined);
        if (pending.length > 0) await new Promise((r) => setTimeout(r, 250));
      }
      const iterator = (await client.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      const first = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
      expect(first.Records?.length).toBe(22);
      // One call so far, far under 5 a second: the bytes refuse the next.
      await expect(client.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator }))).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    } finally {
      await fast.close();
    }
  });
});
