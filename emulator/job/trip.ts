/**
 * The taxi job's input: JSON trip events with snake_case fields, and the article's
 * geographic filters (New York's bounding box and the two airports).
 */

export interface Trip {
  tripId: string;
  pickupMs: number;
  dropoffMs: number;
  pickupLatitude: number;
  pickupLongitude: number;
  dropoffLatitude: number;
  dropoffLongitude: number;
}

interface Box {
  latMin: number;
  latMax: number;
  lonMin: number;
  lonMax: number;
}

export const NEW_YORK: Box = { latMin: 40.56, latMax: 40.878, lonMin: -74.054, lonMax: -73.722 };
export const AIRPORTS: Record<'JFK' | 'LGA', Box> = {
  JFK: { latMin: 40.632, latMax: 40.654, lonMin: -73.8, lonMax: -73.761 },
  LGA: { latMin: 40.766, latMax: 40.778, lonMin: -73.881, lonMax: -73.859 },
};
export type Airport = keyof typeof AIRPORTS;

function inside(box: Box, lat: number, lon: number): boolean {
  return lat >= box.latMin && lat <= box.latMax && lon >= box.lonMin && lon <= box.lonMax;
}

export function inNewYork(trip: Trip): boolean {
  return inside(NEW_YORK, trip.pickupLatitude, trip.pickupLongitude) && inside(NEW_YORK, trip.dropoffLatitude, trip.dropoffLongitude);
}

export function dropoffAirport(trip: Trip): Airport | null {
  for (const name of Object.keys(AIRPORTS) as Airport[]) {
    if (inside(AIRPORTS[name], trip.dropoffLatitude, trip.dropoffLongitude)) return name;
  }
  return null;
}

function finiteNumber(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

function instant(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Parses one record; null when it is not a usable trip event (the job counts it as malformed). */
export function parseTrip(data: Buffer): Trip | null {
  let raw: unknown;
  try {
    raw = JSON.parse(data.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const pickupMs = instant(r.pickup_datetime);
  const dropoffMs = instant(r.dropoff_datetime);
  const coords = [r.pickup_latitude, r.pickup_longitude, r.dropoff_latitude, r.dropoff_longitude].map(finiteNumber);
  if (pickupMs === null || dropoffMs === null || coords.some((c) => c === null)) return null;
  const [pickupLatitude, pickupLongitude, dropoffLatitude, dropoffLongitude] = coords as number[];
  return {
    tripId: typeof r.trip_id === 'string' || typeof r.trip_id === 'number' ? String(r.trip_id) : '',
    pickupMs,
    dropoffMs,
    pickupLatitude: pickupLatitude as number,
    pickupLongitude: pickupLongitude as number,
    dropoffLatitude: dropoffLatitude as number,
    dropoffLongitude: dropoffLongitude as number,
  };
}
