/**
 * The taxi job's input: JSON trip events with snake_case fields (or the replay's compact
 * CSV line of the same fields), and the article's
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

/**
 * The columns of the replay's compact CSV trip line (data/trip-encoding.ts, `--format csv`),
 * by position; the job needs these five. A line carries no header and no quoting.
 */
const CSV_COLUMNS = { trip_id: 0, pickup_datetime: 2, dropoff_datetime: 3, pickup_latitude: 4, pickup_longitude: 5, dropoff_latitude: 6, dropoff_longitude: 7 } as const;
const CSV_COLUMN_COUNT = 12;

function fieldsOf(data: Buffer): Record<string, unknown> | null {
  const text = data.toString('utf8');
  // JSON objects start with `{`; anything else is read as the compact CSV line.
  if (text.startsWith('{')) {
    try {
      const raw: unknown = JSON.parse(text);
      return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }
  const cells = text.split(',');
  if (cells.length !== CSV_COLUMN_COUNT) return null;
  return Object.fromEntries(Object.entries(CSV_COLUMNS).map(([name, i]) => [name, cells[i]]));
}

/** Parses one record (JSON or the compact CSV line); null when it is not a usable trip event (the job counts it as malformed). */
export function parseTrip(data: Buffer): Trip | null {
  const r = fieldsOf(data);
  if (r === null) return null;
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
