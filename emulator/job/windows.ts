/**
 * The article's two aggregations in event time (the drop-off time), with Flink's
 * semantics: watermark = highest event time seen − the bounded out-of-orderness; a
 * one-hour tumbling window fires once the watermark reaches its end; an event for a
 * window that has already fired is late and dropped.
 *
 * - pickup_count: pickups per geohash cell (precision 7) per hour;
 * - trip_duration: average trip minutes per pickup cell (precision 6) and airport per hour.
 */
import { encodeGeohash } from './geohash.js';
import { dropoffAirport, inNewYork, type Airport, type Trip } from './trip.js';

export const WINDOW_MS = 3600_000;
export const OUT_OF_ORDERNESS_MS = 2 * 60_000;

export interface PickupCount {
  geohash: string;
  windowStart: string;
  windowEnd: string;
  pickups: number;
}

export interface TripDuration {
  geohash: string;
  airport: Airport;
  windowStart: string;
  windowEnd: string;
  trips: number;
  averageMinutes: number;
}

export type TripOutcome = 'counted' | 'outside' | 'late';

/** The checkpointable state of the aggregations (plain data, deep-copied on snapshot). */
export interface WindowState {
  maxEventMs: number;
  /** Window start → geohash7 → pickups. */
  pickups: Map<number, Map<string, number>>;
  /** Window start → `geohash6|airport` → sum of minutes and count. */
  durations: Map<number, Map<string, { minutes: number; trips: number }>>;
}

export function emptyWindowState(): WindowState {
  return { maxEventMs: -Infinity, pickups: new Map(), durations: new Map() };
}

export function copyWindowState(s: WindowState): WindowState {
  return {
    maxEventMs: s.maxEventMs,
    pickups: new Map([...s.pickups].map(([w, cells]) => [w, new Map(cells)])),
    durations: new Map([...s.durations].map(([w, cells]) => [w, new Map([...cells].map(([k, v]) => [k, { ...v }]))])),
  };
}

/**
 * Flink's bounded-out-of-orderness watermark is `max − bound − 1` and a window fires at
 * `watermark ≥ end − 1`; both shifts cancel, so `end ≤ max − bound` is the same rule.
 */
export function watermark(s: WindowState): number {
  return s.maxEventMs - OUT_OF_ORDERNESS_MS;
}

export function windowStartOf(eventMs: number): number {
  return Math.floor(eventMs / WINDOW_MS) * WINDOW_MS;
}

/** Adds one trip to the open windows; the watermark advances after the trip is assigned. */
export function addTrip(s: WindowState, trip: Trip): TripOutcome {
  if (!inNewYork(trip)) return 'outside';
  const start = windowStartOf(trip.dropoffMs);
  // A window whose end the watermark has reached was already emitted.
  if (start + WINDOW_MS <= watermark(s)) return 'late';
  const cell = encodeGeohash(trip.pickupLatitude, trip.pickupLongitude, 7);
  const pickups = s.pickups.get(start) ?? new Map<string, number>();
  pickups.set(cell, (pickups.get(cell) ?? 0) + 1);
  s.pickups.set(start, pickups);
  const airport = dropoffAirport(trip);
  if (airport !== null) {
    const key = `${encodeGeohash(trip.pickupLatitude, trip.pickupLongitude, 6)}|${airport}`;
    const durations = s.durations.get(start) ?? new Map<string, { minutes: number; trips: number }>();
    const agg = durations.get(key) ?? { minutes: 0, trips: 0 };
    agg.minutes += (trip.dropoffMs - trip.pickupMs) / 60_000;
    agg.trips += 1;
    durations.set(key, agg);
    s.durations.set(start, durations);
  }
  if (trip.dropoffMs > s.maxEventMs) s.maxEventMs = trip.dropoffMs;
  return 'counted';
}

export interface FiredWindows {
  pickupCounts: PickupCount[];
  tripDurations: TripDuration[];
}

/** Removes and returns every window the watermark has closed. */
export function fireWindows(s: WindowState): FiredWindows {
  const wm = watermark(s);
  const fired: FiredWindows = { pickupCounts: [], tripDurations: [] };
  const iso = (ms: number) => new Date(ms).toISOString();
  for (const [start, cells] of s.pickups) {
    if (start + WINDOW_MS > wm) continue;
    for (const [geohash, pickups] of cells) {
      fired.pickupCounts.push({ geohash, windowStart: iso(start), windowEnd: iso(start + WINDOW_MS), pickups });
    }
    s.pickups.delete(start);
  }
  for (const [start, cells] of s.durations) {
    if (start + WINDOW_MS > wm) continue;
    for (const [key, agg] of cells) {
      const [geohash, airport] = key.split('|') as [string, Airport];
      fired.tripDurations.push({
        geohash,
        airport,
        windowStart: iso(start),
        windowEnd: iso(start + WINDOW_MS),
        trips: agg.trips,
        averageMinutes: agg.minutes / agg.trips,
      });
    }
    s.durations.delete(start);
  }
  return fired;
}

/** Cells currently held in open windows (drives the simulated heap usage). */
export function openCells(s: WindowState): number {
  let n = 0;
  for (const cells of s.pickups.values()) n += cells.size;
  for (const cells of s.durations.values()) n += cells.size;
  return n;
}
