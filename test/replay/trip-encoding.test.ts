/**
 * The compact trip encoding (`--format csv`): one CSV line of the trip's fields, ~125 bytes
 * instead of ~339 of JSON, read by the taxi job exactly as it reads the JSON — the same
 * trips, counters and article indexes from the same slice of the sample.
 */
import { CreateApplicationCommand, StartApplicationCommand } from '@aws-sdk/client-kinesis-analytics-v2';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../activities/replay/engine.js';
import { kplAggregatingSink } from '../../activities/replay/kpl-sink.js';
import { EMPTY_CHECKPOINT } from '../../activities/replay/types.js';
import { readTrips } from '../../data/readers/source.js';
import { encodeTrip, TRIP_FORMATS, type TripFormat } from '../../data/trip-encoding.js';
import type { TripEvent } from '../../data/trip.js';
import { parseTrip } from '../../emulator/job/trip.js';
import { flinkClient, kinesisClient, startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { createStream, sampleSlice, waitFor, type Slice } from './fixtures/harness.js';

const TRIPS = 2_000;

describe('encodeTrip', () => {
  it('a CSV line per trip that the job parses to the same trip as the JSON, at about a third of the bytes', async () => {
    const trips: TripEvent[] = [];
    for await (const item of readTrips(join(import.meta.dirname, '../../data/sample/trips-sample.jsonl.gz'))) {
      if (item.kind === 'trip') trips.push(item.trip);
      if (trips.length === TRIPS) break;
    }
    let csvBytes = 0;
    let jsonBytes = 0;
    for (const trip of trips) {
      const csv = encodeTrip(trip, 'csv');
      const json = encodeTrip(trip, 'json');
      expect(csv[0]).not.toBe('{'.charCodeAt(0));
      expect(parseTrip(csv)).toEqual(parseTrip(json));
      expect(parseTrip(csv)).not.toBeNull();
      csvBytes += csv.byteLength;
      jsonBytes += json.byteLength;
    }
    expect(csvBytes / trips.length).toBeLessThan(130);
    expect(jsonBytes / trips.length).toBeGreaterThan(300);

    // A field that would need quoting sends that trip as JSON; the job still reads it.
    const odd = { ...trips[0]!, vendor_id: 'A,B' };
    expect(encodeTrip(odd, 'csv').toString()).toBe(JSON.stringify(odd));
    expect(parseTrip(encodeTrip(odd, 'csv'))).toEqual(parseTrip(encodeTrip(trips[0]!, 'json')));
    // A line of the wrong shape is malformed, not a trip.
    expect(parseTrip(Buffer.from('t1,CMT,2015-01-15T00:00:00-05:00'))).toBeNull();
    expect(parseTrip(Buffer.from(encodeTrip(trips[0]!, 'csv').toString().replace(/,40\.\d+,/, ',north,')))).toBeNull();
  });
});

describe('the taxi job reads either format alike (emulator)', () => {
  let emulator: TestEmulator;
  let slice: Slice;
  beforeAll(async () => {
    emulator = await startTestEmulator();
    slice = await sampleSlice(TRIPS);
  });
  afterAll(async () => {
    await emulator?.stop();
    if (slice !== undefined) await rm(slice.dataDir, { recursive: true, force: true });
  });

  it('the same slice replayed KPL-aggregated as JSON and as CSV gives the same counters and indexes', { timeout: 60_000 }, async () => {
    const kinesis = kinesisClient(emulator);
    const flink = flinkClient(emulator);
    try {
      const resultsOf = async (format: TripFormat) => {
        const name = `enc-${format}`;
        // One shard and one subtask: the job sees the trips in the order they were sent, so lateness is the same too.
        await createStream(kinesis, name, 1);
        await runReplay({
          file: join(slice.dataDir, slice.source), sink: kplAggregatingSink(kinesis, name), speedup: 'max', from: EMPTY_CHECKPOINT, anchor: null, format,
        });
        await flink.send(new CreateApplicationCommand({
          ApplicationName: `${name}-job`, RuntimeEnvironment: 'FLINK-1_20', ServiceExecutionRole: 'arn:aws:iam::000000000000:role/r',
          ApplicationConfiguration: {
            FlinkApplicationConfiguration: { ParallelismConfiguration: { ConfigurationType: 'CUSTOM', Parallelism: 1, ParallelismPerKPU: 1, AutoScalingEnabled: false } },
            EnvironmentProperties: { PropertyGroups: [{ PropertyGroupId: 'FlinkApplicationProperties', PropertyMap: { InputStreamName: name } }] },
          },
        }));
        await flink.send(new StartApplicationCommand({ ApplicationName: `${name}-job` }));
        return waitFor(`${name}-job to read ${TRIPS} trips`, async () => {
          const body = (await (await fetch(`${emulator.url}/_emulator/flink/results/${name}-job`)).json()) as {
            counters?: { recordsIn: number; malformed: number }; pickupCount?: unknown[]; tripDuration?: unknown[];
          };
          return body.counters !== undefined && body.counters.recordsIn + body.counters.malformed >= TRIPS ? body : undefined;
        });
      };
      const [json, csv] = [await resultsOf(TRIP_FORMATS[0]), await resultsOf(TRIP_FORMATS[1])];
      expect(csv.counters).toMatchObject({ recordsIn: TRIPS, malformed: 0 });
      expect(csv.counters).toEqual(json.counters);
      expect(csv.pickupCount).toEqual(json.pickupCount);
      expect(csv.tripDuration).toEqual(json.tripDuration);
    } finally {
      kinesis.destroy();
      flink.destroy();
    }
  });
});
