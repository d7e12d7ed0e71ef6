/**
 * How a trip travels as a Kinesis record: the article's snake_case JSON (the default,
 * ~339 bytes a trip) or one compact CSV line of the same fields in a fixed order (~125
 * bytes, like a TLC CSV row). With KPL aggregation a shard binds on its 1 MiB/s, so the
 * bytes a trip costs decide how many trips a shard takes. The taxi job reads both
 * (emulator/job/trip.ts tells them apart by the first byte: `{` is JSON).
 */
import type { TripEvent } from './trip.js';

export const TRIP_FORMATS = ['json', 'csv'] as const;
export type TripFormat = (typeof TRIP_FORMATS)[number];

/** The CSV line's columns, in order; an absent optional field is an empty column. No header travels. */
export const TRIP_CSV_COLUMNS = [
  'trip_id', 'vendor_id', 'pickup_datetime', 'dropoff_datetime', 'pickup_latitude', 'pickup_longitude',
  'dropoff_latitude', 'dropoff_longitude', 'passenger_count', 'trip_distance', 'payment_type', 'total_amount',
] as const satisfies ReadonlyArray<keyof TripEvent>;

/** A field that would need CSV quoting (a comma, quote or line break). */
const NEEDS_QUOTING = /[",\r\n]/;

/**
 * The record data for one trip. A trip whose text fields would need CSV quoting goes as
 * JSON even in `csv` format (rare: ids and codes), so the line stays a plain split on commas.
 */
export function encodeTrip(trip: TripEvent, format: TripFormat): Buffer {
  if (format === 'json') return Buffer.from(JSON.stringify(trip));
  const fields = TRIP_CSV_COLUMNS.map((c) => {
    const v = trip[c];
    return v === undefined ? '' : String(v);
  });
  if (fields.some((f) => NEEDS_QUOTING.test(f))) return Buffer.from(JSON.stringify(trip));
  return Buffer.from(fields.join(','));
}
