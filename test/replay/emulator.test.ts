import { CreateStreamCommand, DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../activities/replay/engine.js';
import { kinesisSink } from '../../activities/replay/put-records.js';
import { EMPTY_CHECKPOINT } from '../../activities/replay/types.js';
import { readTrips } from '../../data/readers/source.js';
import { SAMPLE_FILE } from '../../data/sample.js';
import { kinesisClient, startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { countIds, readWholeStream } from './read-back.js';

async function createStream(kinesis: KinesisClient, name: string, shards: number): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (;;) {
    const s = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function sourceIds(file: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const item of readTrips(file)) if (item.kind === 'trip') ids.push(item.trip.trip_id);
  return ids;
}

describe('replay into the emulated stream', () => {
  let emulator: TestEmulator;
  let kinesis: KinesisClient;
  beforeAll(async () => {
    emulator = await startTestEmulator();
    kinesis = kinesisClient(emulator);
  });
  afterAll(async () => {
    kinesis.destroy();
    await emulator.stop();
  });

  it('delivers every event of the committed sample exactly once (speedup max, read back from all shards)', async () => {
    await createStream(kinesis, 'sample-all', 4);
    const expected = await sourceIds(SAMPLE_FILE);
    const result = await runReplay({ file: SAMPLE_FILE, sink: kinesisSink(kinesis, 'sample-all'), speedup: 'max', from: EMPTY_CHECKPOINT, anchor: null });
    expect(result.finished).toBe(true);
    expect(result.checkpoint.eventsSent).toBe(expected.length);
    const got = await readWholeStream(kinesis, 'sample-all');
    expect(got.length).toBe(expected.length);
    expect(countIds(got)).toEqual(countIds(expected));
    expect(result.checkpoint.malformedLines).toBe(0);
  });

  it('replays the valid rows of a CSV and a JSON file with broken lines and reports the broken ones by line number', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'broken-'));
    try {
      const csv = join(dir, 'yellow_2015-01.csv');
      await writeFile(csv, [
        'VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,passenger_count,trip_distance,pickup_longitude,pickup_latitude,RateCodeID,store_and_fwd_flag,dropoff_longitude,dropoff_latitude,payment_type,fare_amount,extra,mta_tax,tip_amount,tolls_amount,improvement_surcharge,total_amount',
        '2,2015-01-15 19:05:39,2015-01-15 19:23:42,1,1.59,-73.99,40.75,1,N,-73.97,40.75,1,12,1,0.5,3.25,0,0.3,17.05',
        '2,2015-01-15 19:06:00,garbage,1,1.59,-73.99,40.75,1,N,-73.97,40.75,1,12,1,0.5,3.25,0,0.3,17.05',
        '1,2015-01-15 19:07:00,2015-01-15 19:24:00,2,0.9,-73.98,40.76,1,N,-73.97,40.75,2,7,1,0.5,0,0,0.3,8.8',
        '1,2015-01-15 19:08:00',
      ].join('\n'));
      const jsonl = join(dir, 'trips.jsonl');
      const good = (id: string) => JSON.stringify({
        trip_id: id, pickup_datetime: '2015-01-15T19:00:00-05:00', dropoff_datetime: '2015-01-15T19:10:00-05:00',
        pickup_latitude: 40.75, pickup_longitude: -73.98, dropoff_latitude: 0, dropoff_longitude: 0,
        passenger_count: 1, trip_distance: 1, total_amount: 9,
      });
      await writeFile(jsonl, [good('j1'), '{oops', good('j2'), '{"trip_id":"j3","pickup_datetime":3}', good('j4')].join('\n'));
      await createStream(kinesis, 'broken', 1);
      const malformed: Array<[string, number]> = [];
      for (const file of [csv, jsonl]) {
        const result = await runReplay({
          file, sink: kinesisSink(kinesis, 'broken'), speedup: 'max', from: EMPTY_CHECKPOINT, anchor: null,
          onMalformed: (m) => malformed.push([file.endsWith('.csv') ? 'csv' : 'json', m.line]),
        });
        expect(result.finished).toBe(true);
      }
      expect(malformed).toEqual([['csv', 3], ['csv', 5], ['json', 2], ['json', 4]]);
      expect(await readWholeStream(kinesis, 'broken')).toEqual(['yellow_2015-01-2', 'yellow_2015-01-4', 'j1', 'j2', 'j4']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('replay against the stream\'s write limit', () => {
  let emulator: TestEmulator;
  let kinesis: KinesisClient;
  beforeAll(async () => {
    // 200 records/s per shard: one 500-record batch already exceeds two shards, however slowly the machine sends.
    emulator = await startTestEmulator({ kinesis: { limitsEnabled: true, writeRecordsPerSecond: 200 } });
    // One attempt per call: whole-call throttling must reach the engine, not be hidden by the SDK.
    kinesis = kinesisClient(emulator, { maxAttempts: 1 });
  });
  afterAll(async () => {
    kinesis.destroy();
    await emulator.stop();
  });

  it('retries throttled records until the stream takes them, and loses none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slice-'));
    try {
      const slice = join(dir, 'slice.jsonl');
      const lines: string[] = [];
      for await (const item of readTrips(SAMPLE_FILE)) {
        if (item.kind === 'trip') lines.push(JSON.stringify(item.trip));
        if (lines.length === 2_000) break;
      }
      await writeFile(slice, `${lines.join('\n')}\n`);
      await createStream(kinesis, 'narrow', 2);
      const result = await runReplay({ file: slice, sink: kinesisSink(kinesis, 'narrow'), speedup: 'max', from: EMPTY_CHECKPOINT, anchor: null });
      expect(result.checkpoint.throttledRetries).toBeGreaterThan(0);
      const got = await readWholeStream(kinesis, 'narrow');
      expect(got.length).toBe(2_000);
      expect(countIds(got)).toEqual(countIds(await sourceIds(slice)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
