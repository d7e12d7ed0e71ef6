/**
 * What Kinesis gives the rest of the emulator: AWS/Kinesis metrics in the emulated
 * CloudWatch, and in-process reads for the simulated Flink job (StreamReader).
 */
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudWatchClient, kinesisClient, startTestEmulator } from '../../support/emulator.js';
import type { TestEmulator } from '../../support/emulator.js';
import { waitForStatus } from './target.js';

let emulator: TestEmulator;
let kinesis: KinesisClient;

beforeAll(async () => {
  // CREATING must outlast a round trip on a loaded machine for the "not yet readable" check.
  emulator = await startTestEmulator({ kinesis: { updateShardCountMs: 20, createStreamMs: 300 } });
  kinesis = kinesisClient(emulator);
});
afterAll(async () => {
  kinesis.destroy();
  await emulator.stop();
});

async function putKeys(stream: string, keys: string[]): Promise<void> {
  await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: keys.map((k) => ({ PartitionKey: k, Data: Buffer.from(k) })) }));
}

describe('AWS/Kinesis metrics', () => {
  it('publishes IncomingRecords and GetRecords.Records per StreamName into CloudWatch', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'metered', ShardCount: 1 }));
    await waitForStatus(kinesis, 'metered', 'ACTIVE');
    const start = new Date(Date.now() - 60_000);
    await putKeys('metered', ['a', 'b', 'c']);
    const iterator = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: 'metered', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
    );
    await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }));

    const cloudwatch = cloudWatchClient(emulator);
    try {
      const query = (id: string, metricName: string) => ({
        Id: id,
        MetricStat: {
          Metric: { Namespace: 'AWS/Kinesis', MetricName: metricName, Dimensions: [{ Name: 'StreamName', Value: 'metered' }] },
          Period: 60,
          Stat: 'Sum',
        },
      });
      const out = await cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: start,
          EndTime: new Date(Date.now() + 60_000),
          MetricDataQueries: [query('incoming', 'IncomingRecords'), query('read', 'GetRecords.Records'), query('bytes', 'IncomingBytes')],
        }),
      );
      const sum = (id: string) => (out.MetricDataResults?.find((r) => r.Id === id)?.Values ?? []).reduce((a, b) => a + b, 0);
      expect(sum('incoming')).toBe(3);
      expect(sum('read')).toBe(3);
      expect(sum('bytes')).toBe(3);
    } finally {
      cloudwatch.destroy();
    }
  });
});

describe('StreamReader (in-process reads for the Flink job)', () => {
  it('lists shards with lineage, reads after a sequence number and marks the end of closed shards', async () => {
    const streams = emulator.services.streams;
    await kinesis.send(new CreateStreamCommand({ StreamName: 'inproc', ShardCount: 1 }));
    expect(streams.streamExists('inproc')).toBe(false);
    await waitForStatus(kinesis, 'inproc', 'ACTIVE');
    expect(streams.streamExists('inproc')).toBe(true);
    await putKeys('inproc', ['one', 'two', 'three']);

    const first = streams.readShard('inproc', 'shardId-000000000000', null, 2);
    expect(first.records.map((r) => r.data.toString('utf8'))).toEqual(['one', 'two']);
    expect(first.endOfClosedShard).toBe(false);
    expect(first.latestArrivalMs).not.toBeNull();
    const rest = streams.readShard('inproc', 'shardId-000000000000', first.records[1]?.sequenceNumber ?? null, 10);
    expect(rest.records.map((r) => r.partitionKey)).toEqual(['three']);

    await kinesis.send(new UpdateShardCountCommand({ StreamName: 'inproc', TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' }));
    await waitForStatus(kinesis, 'inproc', 'ACTIVE');
    const shards = streams.shards('inproc');
    expect(shards.map((s) => [s.shardId, s.parentShardId, s.closed])).toEqual([
      ['shardId-000000000000', null, true],
      ['shardId-000000000001', 'shardId-000000000000', false],
      ['shardId-000000000002', 'shardId-000000000000', false],
    ]);
    const end = streams.readShard('inproc', 'shardId-000000000000', rest.records[0]?.sequenceNumber ?? null, 10);
    expect(end).toMatchObject({ records: [], endOfClosedShard: true });
  });
});
