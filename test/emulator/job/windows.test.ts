import { describe, expect, it } from 'vitest';
import { encodeGeohash } from '../../../emulator/job/geohash.js';
import type { Trip } from '../../../emulator/job/trip.js';
import { addTrip, emptyWindowState, fireWindows, watermark } from '../../../emulator/job/windows.js';

const TIMES_SQUARE = { lat: 40.758, lon: -73.9855 };
const JFK = { lat: 40.6413, lon: -73.7781 };
const LGA = { lat: 40.7769, lon: -73.874 };
const MIDTOWN = { lat: 40.7549, lon: -73.984 };
const at = (hhmm: string) => Date.parse(`2024-03-01T${hhmm}:00Z`);

let seq = 0;
function trip(pickup: { lat: number; lon: number }, dropoff: { lat: number; lon: number }, dropoffAt: string, minutes: number): Trip {
  const dropoffMs = at(dropoffAt);
  return {
    tripId: String(seq++),
    pickupMs: dropoffMs - minutes * 60_000,
    dropoffMs,
    pickupLatitude: pickup.lat,
    pickupLongitude: pickup.lon,
    dropoffLatitude: dropoff.lat,
    dropoffLongitude: dropoff.lon,
  };
}

describe('hourly tumbling windows in drop-off event time', () => {
  it('keeps a window open until the watermark (max event time − 2 min) reaches its end', () => {
    const s = emptyWindowState();
    addTrip(s, trip(TIMES_SQUARE, MIDTOWN, '10:30', 10));
    addTrip(s, trip(TIMES_SQUARE, MIDTOWN, '11:01', 10));
    expect(watermark(s)).toBe(at('10:59'));
    expect(fireWindows(s).pickupCounts).toEqual([]);
    addTrip(s, trip(TIMES_SQUARE, MIDTOWN, '11:02', 10));
    const fired = fireWindows(s);
    expect(fired.pickupCounts).toEqual([
      { geohash: encodeGeohash(TIMES_SQUARE.lat, TIMES_SQUARE.lon, 7), windowStart: '2024-03-01T10:00:00.000Z', windowEnd: '2024-03-01T11:00:00.000Z', pickups: 1 },
    ]);
  });

  it('counts an event up to 2 minutes out of order in its own window, and drops it as late once that window fired', () => {
    const s = emptyWindowState();
    addTrip(s, trip(TIMES_SQUARE, MIDTOWN, '11:01', 5));
    expect(addTrip(s, trip(TIMES_SQUARE, MIDTOWN, '10:58', 5))).toBe('counted');
    addTrip(s, trip(TIMES_SQUARE, MIDTOWN, '11:05', 5));
    expect(fireWindows(s).pickupCounts.map((r) => [r.windowStart.slice(11, 16), r.pickups])).toEqual([['10:00', 1]]);
    expect(addTrip(s, trip(TIMES_SQUARE, MIDTOWN, '10:59', 5))).toBe('late');
  });

  it('counts pickups per precision-7 cell of the pickup point', () => {
    const s = emptyWindowState();
    const north = { lat: 40.7598, lon: -73.9855 };
    addTrip(s, trip(TIMES_SQUARE, MIDTOWN, '10:10', 5));
    addTrip(s, trip(TIMES_SQUARE, MIDTOWN, '10:20', 5));
    addTrip(s, trip(north, MIDTOWN, '10:30', 5));
    addTrip(s, trip(TIMES_SQUARE, MIDTOWN, '12:00', 5));
    const counts = Object.fromEntries(fireWindows(s).pickupCounts.map((r) => [r.geohash, r.pickups]));
    expect(counts).toEqual({ [encodeGeohash(TIMES_SQUARE.lat, TIMES_SQUARE.lon, 7)]: 2, [encodeGeohash(north.lat, north.lon, 7)]: 1 });
  });

  it('drops trips whose pickup or drop-off lies outside New York', () => {
    const s = emptyWindowState();
    expect(addTrip(s, trip({ lat: 40.9, lon: -73.9 }, MIDTOWN, '10:10', 5))).toBe('outside');
    expect(addTrip(s, trip(TIMES_SQUARE, { lat: 40.7, lon: -74.1 }, '10:10', 5))).toBe('outside');
    expect(s.pickups.size).toBe(0);
  });
});

describe('airport trip durations', () => {
  it('averages trip minutes per precision-6 pickup cell and airport per hour', () => {
    const s = emptyWindowState();
    addTrip(s, trip(TIMES_SQUARE, JFK, '10:20', 40));
    addTrip(s, trip(TIMES_SQUARE, JFK, '10:40', 50));
    addTrip(s, trip(TIMES_SQUARE, LGA, '10:45', 24));
    addTrip(s, trip(TIMES_SQUARE, MIDTOWN, '10:50', 7));
    addTrip(s, trip(TIMES_SQUARE, MIDTOWN, '11:30', 7));
    const cell = encodeGeohash(TIMES_SQUARE.lat, TIMES_SQUARE.lon, 6);
    const durations = fireWindows(s).tripDurations.map((r) => [r.geohash, r.airport, r.trips, r.averageMinutes]);
    expect(durations).toEqual([
      [cell, 'JFK', 2, 45],
      [cell, 'LGA', 1, 24],
    ]);
  });
});
