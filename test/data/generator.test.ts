import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generateTrips } from '../../data/generator.js';
import { SAMPLE_FILE } from '../../data/sample.js';
import { isInNewYork, toTripEvent, type TripEvent } from '../../data/trip.js';

const take = (options: Parameters<typeof generateTrips>[0]): TripEvent[] => [...generateTrips(options)];
const hourOf = (iso: string): number => Number(iso.slice(11, 13));
const near = (t: TripEvent, lat: number, lon: number, d: number): boolean =>
  Math.abs(t.pickup_latitude - lat) < d && Math.abs(t.pickup_longitude - lon) < d * 1.3;

describe('trip generator', () => {
  const trips = take({ trips: 20_000, seed: 7 });

  it('is deterministic: the same seed gives the same trips, another seed different ones', () => {
    expect(take({ trips: 500, seed: 7 })).toEqual(take({ trips: 500, seed: 7 }));
    expect(take({ trips: 500, seed: 8 })).not.toEqual(take({ trips: 500, seed: 7 }));
  });

  it('emits schema-valid events with unique ids, sorted by drop-off time', () => {
    expect(trips).toHaveLength(20_000);
    expect(new Set(trips.map((t) => t.trip_id)).size).toBe(trips.length);
    const roundTripped = trips.filter((t) => JSON.stringify(toTripEvent(JSON.parse(JSON.stringify(t)))) === JSON.stringify(t));
    expect(roundTripped).toHaveLength(trips.length);
    const times = trips.map((t) => Date.parse(t.dropoff_datetime));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });

  it('follows a diurnal curve: evening and morning peaks well above the 4–5 am trough', () => {
    const byHour = new Array<number>(24).fill(0);
    for (const t of trips) byHour[hourOf(t.pickup_datetime)]!++;
    const trough = Math.min(byHour[4]!, byHour[5]!);
    expect(byHour[8]!).toBeGreaterThan(3 * trough);
    expect(byHour[19]!).toBeGreaterThan(4 * trough);
    expect(byHour[19]!).toBeGreaterThan(byHour[13]!);
  });

  it('concentrates pickups in Manhattan, Brooklyn and at the airports', () => {
    const share = (pred: (t: TripEvent) => boolean): number => trips.filter(pred).length / trips.length;
    expect(share((t) => near(t, 40.7549, -73.984, 0.02))).toBeGreaterThan(0.2); // Midtown
    expect(share((t) => near(t, 40.6432, -73.7822, 0.012))).toBeGreaterThan(0.02); // JFK
    expect(share((t) => near(t, 40.7729, -73.8705, 0.008))).toBeGreaterThan(0.02); // LGA
    expect(share((t) => near(t, 40.6928, -73.9903, 0.02))).toBeGreaterThan(0.03); // Downtown Brooklyn
  });

  it('has plausible distances, durations and fares', () => {
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const distances = sorted(trips.map((t) => t.trip_distance));
    const minutes = sorted(trips.map((t) => (Date.parse(t.dropoff_datetime) - Date.parse(t.pickup_datetime)) / 60_000));
    const fares = sorted(trips.map((t) => t.total_amount));
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)]!;
    expect(median(distances)).toBeGreaterThan(1.2);
    expect(median(distances)).toBeLessThan(4);
    expect(median(minutes)).toBeGreaterThan(6);
    expect(median(minutes)).toBeLessThan(25);
    expect(median(fares)).toBeGreaterThan(7);
    expect(median(fares)).toBeLessThan(25);
    expect(minutes[0]!).toBeGreaterThan(0);
  });

  it('includes the real data\'s noise: zero coordinates and points outside New York, about 1–3 %', () => {
    const zeros = trips.filter((t) => t.pickup_latitude === 0 || t.dropoff_latitude === 0).length / trips.length;
    const outside = trips.filter((t) => !isInNewYork(t.pickup_latitude, t.pickup_longitude) || !isInNewYork(t.dropoff_latitude, t.dropoff_longitude)).length / trips.length;
    expect(zeros).toBeGreaterThan(0.005);
    expect(outside).toBeGreaterThan(zeros);
    expect(outside).toBeLessThan(0.04);
  });

  it('spreads multi-day runs over the days and keeps drop-off order across midnight', () => {
    const week = take({ trips: 3_000, seed: 1, days: 3, startDate: '2015-01-12' });
    expect(week).toHaveLength(3_000);
    const days = new Set(week.map((t) => t.pickup_datetime.slice(0, 10)));
    expect([...days].sort()).toEqual(['2015-01-12', '2015-01-13', '2015-01-14']);
    const times = week.map((t) => Date.parse(t.dropoff_datetime));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });
});

describe('committed sample', () => {
  it('is exactly what the generator makes with the documented seed (40,000 trips, seed 42)', async () => {
    const text = gunzipSync(await readFile(SAMPLE_FILE)).toString('utf8');
    const expected = take({ trips: 40_000, seed: 42 }).map((t) => `${JSON.stringify(t)}\n`).join('');
    expect(text === expected).toBe(true);
  });
});
