/**
 * KPL aggregation end to end: the replay packs many trips per Kinesis record (the
 * article's `-aggregate`), every trip reaches the stream exactly once and in the shard
 * its own key maps to, `IncomingRecords` counts Kinesis records while the simulated
 * Flink job de-aggregates and counts user records, in its results and in
 * `numRecordsInPerSecond`; and after a crash in the middle of a batch, a run resumed from
 * the last checkpoint repeats only that batch's trips (the documented at-least-once).
 */
import { GetMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateStreamCommand, DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateApplicationCommand, StartApplicationCommand, type KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../activities/replay/engine.js';
import { aggregateForShard, kplAggregatingSink } from '../../activities/replay/kpl-sink.js';
import type { RecordSink } from '../../activities/replay/put-records.js';
import { EMPTY_CHECKPOINT, type ReplayCheckpoint } from '../../activities/replay/types.js';
import { readTrips } from '../../data/readers/source.js';
import { SAMPLE_FILE } from '../../data/sample.js';
import { isAggregated, kplExpander } from '../../emulator/job/deaggregate.js';
import { cloudWatchClient, flinkClient, kinesisClient, startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { createStream, sampleSlice } from './fixtures/harness.js';
import { countIds, readUserRecords } from './read-back.js';

const TRIPS = 6_000;

async function firstTrips(n: number): Promise<{ ids: string[]; file: string }> {
  const ids: string[] = [];
  for await (const item of readTrips(SAMPLE_FILE)) {
    if (item.kind === 'trip') ids.push(item.trip.trip_id);
    if (ids.length >= n) break;
  }
  return { ids, file: SAMPLE_FILE };
}

describe('KPL aggregation', () => {
  it('packs user records into aggregated records of at most 50 KiB that de-aggregate to the same records in order', () => {
    const records = Array.from({ length: 400 }, (_, i) => ({ partitionKey: `trip-${i}`, data: Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(300) })) }));
    const packed = aggregateForShard(records);
    expect(packed.length).toBeGreaterThan(1);
    expect(packed.every((p) => p.record.data.byteLength <= 51_200)).toBe(true);
    const back = packed.flatMap((p, n) => kplExpander({ sequenceNumber: String(n), partitionKey: p.record.partitionKey, data: p.record.data, arrivalMs: 0 }));
    expect(back.map((u) => [u.partitionKey, u.data.toString()])).toEqual(records.map((r) => [r.partitionKey, r.data.toString()]));
    expect(isAggregated(Buffer.from('{"plain":true}'))).toBe(false);
  });

  describe('through the emulator', () => {
    let emulator: TestEmulator;
    let kinesis: KinesisClient;
    let cloudwatch: CloudWatchClient;
    let flink: KinesisAnalyticsV2Client;
    let expected: string[];
    beforeAll(async () => {
      emulator = await startTestEmulator({ kinesis: { limitsEnabled: true } });
      kinesis = kinesisClient(emulator);
      cloudwatch = cloudWatchClient(emulator);
      flink = flinkClient(emulator);
      await kinesis.send(new CreateStreamCommand({ StreamName: 'agg', ShardCount: 2 }));
      while ((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'agg' }))).StreamDescriptionSummary?.StreamStatus !== 'ACTIVE') {
        await new Promise((r) => setTimeout(r, 10));
      }
      const source = await firstTrips(TRIPS);
      expected = source.ids;
      // Stop once TRIPS trips are acknowledged: the deadline is the batch boundary after them.
      const controller = new AbortController();
      const result = await runReplay({
        file: source.file, sink: kplAggregatingSink(kinesis, 'agg'), speedup: 'max', from: EMPTY_CHECKPOINT, anchor: null,
        signal: controller.signal,
        onProgress: (t) => {
          if (t.checkpoint.eventsSent >= TRIPS) controller.abort();
        },
      });
      expected = (await firstTrips(result.checkpoint.eventsSent)).ids;
    });
    afterAll(async () => {
      for (const c of [kinesis, cloudwatch, flink]) c.destroy();
      await emulator.stop();
    });

    it('read back and de-aggregated, every trip is in the stream exactly once, in the shard its own key maps to', async () => {
      const got = await readUserRecords(kinesis, 'agg');
      expect(got.keys.length).toBe(expected.length);
      expect(countIds(got.keys)).toEqual(countIds(expected));
      expect(got.misplaced).toBe(0);
      // Many trips per Kinesis record.
      expect(got.kinesisRecords * 20).toBeLessThan(expected.length);
    });

    it('after a crash with a batch stored but not acknowledged, the resumed run delivers every trip, repeating only that batch', async () => {
      const slice = await sampleSlice(1_500);
      try {
        await createStream(kinesis, 'agg-crash', 2);
        const file = join(slice.dataDir, slice.source);
        // Batches of 500 trips, so the slice is three of them; the run dies once the second
        // batch is stored, before the engine hears back.
        const batchLimits = { maxRecords: 500, maxBytes: 1024 * 1024 };
        const real = kplAggregatingSink(kinesis, 'agg-crash');
        let calls = 0;
        const crashing: RecordSink = {
          name: real.name,
          batchLimits,
          async putRecords(records) {
            const results = await real.putRecords(records);
            calls += 1;
            // Not retried (a client fault): the run ends here, as a killed worker's would.
            if (calls === 2) throw Object.assign(new Error('worker killed'), { $fault: 'client' });
            return results;
          },
        };
        let lastCheckpoint: ReplayCheckpoint = EMPTY_CHECKPOINT;
        await expect(
          runReplay({ file, sink: crashing, speedup: 'max', from: EMPTY_CHECKPOINT, anchor: null, onProgress: (t) => (lastCheckpoint = t.checkpoint) }),
        ).rejects.toThrow(/worker killed/);
        expect(lastCheckpoint.eventsSent).toBe(500);

        const resumed = await runReplay({
          file, sink: { ...kplAggregatingSink(kinesis, 'agg-crash'), batchLimits }, speedup: 'max', from: lastCheckpoint, anchor: null,
        });
        expect(resumed.finished).toBe(true);
        expect(resumed.checkpoint.eventsSent).toBe(slice.ids.length);

        const got = await readUserRecords(kinesis, 'agg-crash');
        expect(got.misplaced).toBe(0);
        const counts = countIds(got.keys);
        expect(slice.ids.every((id) => counts.get(id) !== undefined)).toBe(true);
        expect(counts.size).toBe(slice.ids.length);
        // Twice: exactly the trips of the batch that was stored but never acknowledged.
        const twice = slice.ids.map((id, i) => (counts.get(id) === 2 ? i : -1)).filter((i) => i >= 0);
        expect(twice).toEqual(Array.from({ length: 500 }, (_, i) => 500 + i));
        expect([...counts.values()].every((n) => n <= 2)).toBe(true);
      } finally {
        await rm(slice.dataDir, { recursive: true, force: true });
      }
    });

    it('IncomingRecords counts Kinesis records; the job counts user records in its results and numRecordsInPerSecond', async () => {
      await flink.send(
        new CreateApplicationCommand({
          ApplicationName: 'agg-job',
          RuntimeEnvironment: 'FLINK-1_20',
          ServiceExecutionRole: 'arn:aws:iam::000000000000:role/r',
          ApplicationConfiguration: {
            FlinkApplicationConfiguration: { ParallelismConfiguration: { ConfigurationType: 'CUSTOM', Parallelism: 2, ParallelismPerKPU: 1, AutoScalingEnabled: false } },
            EnvironmentProperties: { PropertyGroups: [{ PropertyGroupId: 'FlinkApplicationProperties', PropertyMap: { InputStreamName: 'agg' } }] },
          },
        }),
      );
      await flink.send(new StartApplicationCommand({ ApplicationName: 'agg-job' }));
      let recordsIn = 0;
      for (let i = 0; i < 200 && recordsIn < expected.length; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const results = (await (await fetch(`${emulator.url}/_emulator/flink/results/agg-job`)).json()) as { counters?: { recordsIn: number } };
        recordsIn = results.counters?.recordsIn ?? 0;
      }
      expect(recordsIn).toBe(expected.length);
      const sum = async (namespace: string, metric: string, dimensions: Record<string, string>, stat: string) => {
        const out = await cloudwatch.send(
          new GetMetricDataCommand({
            StartTime: new Date(Date.now() - 600_000),
            EndTime: new Date(Date.now() + 60_000),
            MetricDataQueries: [{ Id: 'm', MetricStat: { Metric: { Namespace: namespace, MetricName: metric, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })) }, Period: 600, Stat: stat } }],
          }),
        );
        return out.MetricDataResults?.[0]?.Values?.[0] ?? 0;
      };
      const incoming = await sum('AWS/Kinesis', 'IncomingRecords', { StreamName: 'agg' }, 'Sum');
      expect(incoming).toBeGreaterThan(0);
      expect(incoming * 20).toBeLessThan(expected.length);
      // numRecordsInPerSecond is published per job tick (100 ms here): its peak covers many Kinesis records' worth of trips.
      const peak = await sum('AWS/KinesisAnalytics', 'numRecordsInPerSecond', { Application: 'agg-job' }, 'Maximum');
      expect(peak).toBeGreaterThan(incoming);
    });
  });
});
