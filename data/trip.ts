/**
 * The taxi trip event as it travels through the stream: the snake_case JSON of the
 * source article's dataset. Coordinates stay as found (zeros and points outside New
 * York are real-data noise the Flink job filters), so the replay never "cleans" them.
 */

export interface TripEvent {
  trip_id: string;
  vendor_id?: string;
  pickup_datetime: string;
  dropoff_datetime: string;
  pickup_latitude: number;
  pickup_longitude: number;
  dropoff_latitude: number;
  dropoff_longitude: number;
  passenger_count: number;
  trip_distance: number;
  payment_type?: string;
  total_amount: number;
}

/** Bounding box the Flink job (and the emulator's taxi job) treats as New York. */
export const NYC_BOUNDS = { minLat: 40.56, maxLat: 40.878, minLon: -74.054, maxLon: -73.722 } as const;

export function isInNewYork(lat: number, lon: number): boolean {
  return lat >= NYC_BOUNDS.minLat && lat <= NYC_BOUNDS.maxLat && lon >= NYC_BOUNDS.minLon && lon <= NYC_BOUNDS.maxLon;
}

/** Epoch ms of the drop-off: the event time the replay schedules by. */
export function eventTimeMs(trip: TripEvent): number {
  return Date.parse(trip.dropoff_datetime);
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Checks a parsed JSON value against the schema and returns the trip, or the reason it
 * is malformed. Extra fields are dropped so every event on the stream has one shape.
 */
export function toTripEvent(value: unknown): TripEvent | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  const tripId = v.trip_id;
  if (typeof tripId !== 'string' && typeof tripId !== 'number') return 'trip_id is missing';
  if (String(tripId).length === 0) return 'trip_id is empty';
  for (const field of ['pickup_datetime', 'dropoff_datetime'] as const) {
    const s = v[field];
    if (typeof s !== 'string' || !ISO_WITH_ZONE.test(s) || Number.isNaN(Date.parse(s))) {
      return `${field} is not an ISO-8601 date-time with a zone`;
    }
  }
  const numbers = [
    'pickup_latitude', 'pickup_longitude', 'dropoff_latitude', 'dropoff_longitude',
    'passenger_count', 'trip_distance', 'total_amount',
  ] as const;
  for (const field of numbers) {
    if (typeof v[field] !== 'number' || !Number.isFinite(v[field])) return `${field} is not a number`;
  }
  // Key order follows the schema, so a trip read and re-serialized is byte-identical.
  const trip: TripEvent = {
    trip_id: String(tripId),
    ...(v.vendor_id !== undefined && v.vendor_id !== null ? { vendor_id: String(v.vendor_id) } : {}),
    pickup_datetime: v.pickup_datetime as string,
    dropoff_datetime: v.dropoff_datetime as string,
    pickup_latitude: v.pickup_latitude as number,
    pickup_longitude: v.pickup_longitude as number,
    dropoff_latitude: v.dropoff_latitude as number,
    dropoff_longitude: v.dropoff_longitude as number,
    passenger_count: v.passenger_count as number,
    trip_distance: v.trip_distance as number,
    ...(v.payment_type !== undefined && v.payment_type !== null ? { payment_type: String(v.payment_type) } : {}),
    total_amount: v.total_amount as number,
  };
  return trip;
}
