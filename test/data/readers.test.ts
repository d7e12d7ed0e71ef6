import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTrips, summarizeSource, type SourceItem, type SourcePosition } from '../../data/readers/source.js';
import { newYorkLocalToIso } from '../../data/readers/tlc-csv.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'readers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(file: string, from?: SourcePosition): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of readTrips(file, from)) items.push(item);
  return items;
}

const trip = (id: string, dropoff: string) => JSON.stringify({
  trip_id: id, vendor_id: 'VTS', pickup_datetime: '2015-01-15T08:00:00-05:00', dropoff_datetime: dropoff,
  pickup_latitude: 40.75, pickup_longitude: -73.98, dropoff_latitude: 40.76, dropoff_longitude: -73.97,
  passenger_count: 1, trip_distance: 1.2, payment_type: 'CRD', total_amount: 9.5,
});

const JSON_LINES = [
  trip('a', '2015-01-15T08:05:00-05:00'),
  '{"trip_id": "broken"',
  trip('b', '2015-01-15T08:06:00-05:00'),
  '',
  JSON.stringify({ trip_id: 'c', pickup_datetime: 'yesterday' }),
  trip('d', '2015-01-15T08:07:00-05:00'),
  '[1,2,3]',
  trip('é-unicode', '2015-01-15T08:08:00-05:00'),
].join('\n');

describe('JSON-lines reader', () => {
  it('yields valid trips and reports each malformed line with its number, without stopping', async () => {
    const file = join(dir, 'trips.jsonl');
    await writeFile(file, `${JSON_LINES}\n`);
    const items = await collect(file);
    expect(items.filter((i) => i.kind === 'trip').map((i) => (i.kind === 'trip' ? i.trip.trip_id : ''))).toEqual(['a', 'b', 'd', 'é-unicode']);
    const malformed = items.filter((i) => i.kind === 'malformed');
    expect(malformed.map((m) => m.line)).toEqual([2, 5, 7]);
    expect(malformed.map((m) => (m.kind === 'malformed' ? m.reason : ''))).toEqual([
      expect.stringContaining('invalid JSON'), expect.stringContaining('pickup_datetime'), 'not a JSON object',
    ]);
  });

  it('reads gzip files to the same items as the plain file', async () => {
    const plain = join(dir, 'same.jsonl');
    const gz = join(dir, 'same.jsonl.gz');
    await writeFile(plain, JSON_LINES);
    await writeFile(gz, gzipSync(JSON_LINES));
    expect(await collect(gz)).toEqual(await collect(plain));
  });

  it.each(['resume.jsonl', 'resume.jsonl.gz'])('resumes from any item\'s end position with exactly the remaining items (%s)', async (name) => {
    const file = join(dir, name);
    await writeFile(file, name.endsWith('.gz') ? gzipSync(JSON_LINES) : JSON_LINES);
    const all = await collect(file);
    for (let i = 0; i < all.length; i++) {
      expect(await collect(file, all[i]!.end)).toEqual(all.slice(i + 1));
    }
  });

  it('summarizes lines, trips, malformed lines and the event-time range in one pass', async () => {
    const file = join(dir, 'summary.jsonl');
    await writeFile(file, `${JSON_LINES}\n`);
    const summary = await summarizeSource(file);
    expect(summary).toMatchObject({ lines: 8, trips: 4, malformed: 3 });
    expect(summary.firstEventMs).toBe(Date.parse('2015-01-15T13:05:00Z'));
    expect(summary.lastEventMs).toBe(Date.parse('2015-01-15T13:08:00Z'));
  });
});

const CSV_2009 = [
  'vendor_name,Trip_Pickup_DateTime,Trip_Dropoff_DateTime,Passenger_Count,Trip_Distance,Start_Lon,Start_Lat,Rate_Code,store_and_forward,End_Lon,End_Lat,Payment_Type,Fare_Amt,surcharge,mta_tax,Tip_Amt,Tolls_Amt,Total_Amt',
  'VTS,2009-01-04 02:52:00,2009-01-04 03:02:00,1,2.63,-73.991957,40.721567,,,-73.993803,40.695922,CASH,8.9,0.5,,0,0,9.4',
  'VTS,2009-01-04 03:31:00,not-a-date,3,4.55,-73.982102,40.73629,,,-73.95585,40.76803,Credit,12.1,0.5,,2,0,14.6',
  'DDS,2009-01-03 15:43:15,2009-01-03 15:57:17,5,10.35,-74.002587,40.739748,,,-73.869983,40.770225,Credit,23.7,0,,4.74,0,28.44',
].join('\n');
const CSV_2013 = [
  'vendor_id, pickup_datetime, dropoff_datetime, passenger_count, trip_distance, pickup_longitude, pickup_latitude, rate_code, store_and_fwd_flag, dropoff_longitude, dropoff_latitude, payment_type, fare_amount, surcharge, mta_tax, tip_amount, tolls_amount, total_amount',
  '',
  'CMT,2014-07-06 14:50:15,2014-07-06 15:03:33,1,2.5,-73.98,40.75,1,N,-73.95,40.78,CRD,11.5,0,0.5,2.4,0,14.4',
  'CMT,2014-07-06 15:00:00,2014-07-06 15:10:00,1,abc,-73.98,40.75,1,N,-73.95,40.78,CRD,11.5,0,0.5,2.4,0,14.4',
  'CMT,2014-07-06 15:01:00',
].join('\r\n');
const CSV_2015 = [
  'VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,passenger_count,trip_distance,pickup_longitude,pickup_latitude,RateCodeID,store_and_fwd_flag,dropoff_longitude,dropoff_latitude,payment_type,fare_amount,extra,mta_tax,tip_amount,tolls_amount,improvement_surcharge,total_amount',
  '2,2015-01-15 19:05:39,2015-01-15 19:23:42,1,1.59,-73.993896484375,40.750110626220703,1,N,-73.974784851074219,40.750617980957031,1,12,1,0.5,3.25,0,0.3,17.05',
].join('\n');

describe('TLC yellow-trip CSV reader', () => {
  it('maps the 2009 header names to the trip schema, with New York time zones', async () => {
    const file = join(dir, 'yellow_tripdata_2009-01.csv');
    await writeFile(file, CSV_2009);
    const items = await collect(file);
    expect(items.map((i) => i.kind)).toEqual(['trip', 'malformed', 'trip']);
    const first = items[0]!;
    expect(first.kind === 'trip' && first.trip).toEqual({
      trip_id: 'yellow_tripdata_2009-01-2', vendor_id: 'VTS',
      pickup_datetime: '2009-01-04T02:52:00-05:00', dropoff_datetime: '2009-01-04T03:02:00-05:00',
      pickup_latitude: 40.721567, pickup_longitude: -73.991957, dropoff_latitude: 40.695922, dropoff_longitude: -73.993803,
      passenger_count: 1, trip_distance: 2.63, payment_type: 'CASH', total_amount: 9.4,
    });
    expect(items[1]).toMatchObject({ kind: 'malformed', line: 3, reason: expect.stringContaining('dropoff') });
  });

  it('maps the 2010–2014 layout (spaced names, blank second line, CRLF) and reports broken rows by line', async () => {
    const file = join(dir, 'yellow_2014-07.csv');
    await writeFile(file, CSV_2013);
    const items = await collect(file);
    expect(items.map((i) => [i.kind, i.line])).toEqual([['trip', 3], ['malformed', 4], ['malformed', 5]]);
    const first = items[0]!;
    expect(first.kind === 'trip' && first.trip).toMatchObject({
      pickup_datetime: '2014-07-06T14:50:15-04:00', total_amount: 14.4, trip_distance: 2.5, vendor_id: 'CMT', payment_type: 'CRD',
    });
    expect(items[1]).toMatchObject({ reason: expect.stringContaining('distance') });
  });

  it('maps the 2015 layout (VendorID, tpep_* columns)', async () => {
    const file = join(dir, 'yellow_2015-01.csv.gz');
    await writeFile(file, gzipSync(CSV_2015));
    const [item] = await collect(file);
    expect(item?.kind === 'trip' && item.trip).toMatchObject({
      trip_id: 'yellow_2015-01-2', vendor_id: '2', dropoff_datetime: '2015-01-15T19:23:42-05:00',
      pickup_latitude: 40.750110626220703, total_amount: 17.05,
    });
  });

  it('resumes a CSV after its header from a saved position', async () => {
    const file = join(dir, 'resume_2009.csv');
    await writeFile(file, CSV_2009);
    const all = await collect(file);
    expect(await collect(file, all[0]!.end)).toEqual(all.slice(1));
  });

  it('refuses a CSV whose header has no coordinate columns', async () => {
    const file = join(dir, 'green.csv');
    await writeFile(file, 'VendorID,lpep_pickup_datetime,PULocationID\n1,2019-01-01 00:00:00,7\n');
    await expect(collect(file)).rejects.toThrow(/missing/);
  });

  it('converts New York wall-clock times across daylight saving time', () => {
    expect(newYorkLocalToIso('2014-03-09 01:59:59')).toBe('2014-03-09T01:59:59-05:00');
    expect(newYorkLocalToIso('2014-03-09 03:00:00')).toBe('2014-03-09T03:00:00-04:00');
    expect(newYorkLocalToIso('2014-11-02 12:00:00')).toBe('2014-11-02T12:00:00-05:00');
    expect(newYorkLocalToIso('2014-02-30 12:00:00')).toBeNull();
  });
});
