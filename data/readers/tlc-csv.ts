/**
 * The classic TLC yellow-trip CSV (2009–2015, the years with coordinate columns),
 * mapped to the trip event schema. The header names changed three times (2009's
 * `Trip_Pickup_DateTime`/`Start_Lon`, 2010–2014's `pickup_datetime`, 2015's
 * `tpep_pickup_datetime`/`VendorID`; 2014 adds leading spaces), so columns are found by
 * name, never by position. TLC rows carry no id: the trip id is the file name and line
 * number, stable across resumes and re-runs.
 */
import type { TripEvent } from '../trip.js';

type Field =
  | 'vendor' | 'pickup' | 'dropoff' | 'passengers' | 'distance'
  | 'pickupLon' | 'pickupLat' | 'dropoffLon' | 'dropoffLat' | 'payment' | 'total';

const ALIASES: Record<Field, readonly string[]> = {
  vendor: ['vendor_name', 'vendor_id', 'vendorid'],
  pickup: ['trip_pickup_datetime', 'pickup_datetime', 'tpep_pickup_datetime'],
  dropoff: ['trip_dropoff_datetime', 'dropoff_datetime', 'tpep_dropoff_datetime'],
  passengers: ['passenger_count'],
  distance: ['trip_distance'],
  pickupLon: ['start_lon', 'pickup_longitude'],
  pickupLat: ['start_lat', 'pickup_latitude'],
  dropoffLon: ['end_lon', 'dropoff_longitude'],
  dropoffLat: ['end_lat', 'dropoff_latitude'],
  payment: ['payment_type'],
  total: ['total_amt', 'total_amount'],
};
const REQUIRED: readonly Field[] = [
  'pickup', 'dropoff', 'passengers', 'distance', 'pickupLon', 'pickupLat', 'dropoffLon', 'dropoffLat', 'total',
];

export type ColumnMap = Partial<Record<Field, number>>;

/** Finds each field's column; throws naming what is missing when the header is not a TLC trip header. */
export function mapTlcHeader(header: string): ColumnMap {
  const names = splitCsvRow(header).map((n) => n.trim().toLowerCase());
  const columns: ColumnMap = {};
  for (const [field, aliases] of Object.entries(ALIASES) as Array<[Field, readonly string[]]>) {
    const index = names.findIndex((n) => aliases.includes(n));
    if (index !== -1) columns[field] = index;
  }
  const missing = REQUIRED.filter((f) => columns[f] === undefined).map((f) => ALIASES[f].join('|'));
  if (missing.length > 0) {
    throw new Error(`not a TLC yellow-trip CSV header with coordinates: missing ${missing.join(', ')}`);
  }
  return columns;
}

/** TLC files are plain comma-separated; quotes are handled in case a re-export added them. */
export function splitCsvRow(row: string): string[] {
  if (!row.includes('"')) return row.split(',');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (quoted) {
      if (c === '"' && row[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

export function tlcRowToTrip(row: string, columns: ColumnMap, tripId: string): TripEvent | string {
  const cells = splitCsvRow(row);
  const cell = (f: Field): string | undefined => {
    const i = columns[f];
    return i === undefined ? undefined : cells[i]?.trim();
  };
  const number = (f: Field): number | string => {
    const s = cell(f);
    if (s === undefined || s === '') return `${f} is empty`;
    const n = Number(s);
    return Number.isFinite(n) ? n : `${f} is not a number: ${JSON.stringify(s)}`;
  };
  const pickup = newYorkLocalToIso(cell('pickup') ?? '');
  if (pickup === null) return `pickup date-time is not YYYY-MM-DD HH:MM:SS: ${JSON.stringify(cell('pickup'))}`;
  const dropoff = newYorkLocalToIso(cell('dropoff') ?? '');
  if (dropoff === null) return `dropoff date-time is not YYYY-MM-DD HH:MM:SS: ${JSON.stringify(cell('dropoff'))}`;
  const values: Partial<Record<Field, number>> = {};
  for (const f of ['passengers', 'distance', 'pickupLon', 'pickupLat', 'dropoffLon', 'dropoffLat', 'total'] as const) {
    const n = number(f);
    if (typeof n === 'string') return n;
    values[f] = n;
  }
  const vendor = cell('vendor');
  const payment = cell('payment');
  const trip: TripEvent = {
    trip_id: tripId,
    ...(vendor ? { vendor_id: vendor } : {}),
    pickup_datetime: pickup,
    dropoff_datetime: dropoff,
    pickup_latitude: values.pickupLat!,
    pickup_longitude: values.pickupLon!,
    dropoff_latitude: values.dropoffLat!,
    dropoff_longitude: values.dropoffLon!,
    passenger_count: values.passengers!,
    trip_distance: values.distance!,
    ...(payment ? { payment_type: payment } : {}),
    total_amount: values.total!,
  };
  return trip;
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;
const NEW_YORK = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York', hourCycle: 'h23',
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});
/** Offsets by UTC hour; a month of data touches ~750 hours, so the cache stays small. */
const offsetCache = new Map<number, number>();

/** Minutes east of UTC in New York at the given instant (−300 in winter, −240 in summer). */
function newYorkOffsetMinutes(utcMs: number): number {
  const hourKey = Math.floor(utcMs / 3_600_000);
  const cached = offsetCache.get(hourKey);
  if (cached !== undefined) return cached;
  const parts = Object.fromEntries(NEW_YORK.formatToParts(new Date(hourKey * 3_600_000)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  const offset = Math.round((asUtc - hourKey * 3_600_000) / 60_000);
  offsetCache.set(hourKey, offset);
  return offset;
}

/** TLC times are New York wall-clock times without a zone; the event carries the zone explicitly. */
export function newYorkLocalToIso(text: string): string | null {
  const m = LOCAL_DATE_TIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const wall = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!);
  if (Number.isNaN(wall) || new Date(wall).getUTCDate() !== +d!) return null;
  // Guess with the winter offset, then correct once with the offset at that instant.
  const offset = newYorkOffsetMinutes(wall - newYorkOffsetMinutes(wall + 300 * 60_000) * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${zone}`;
}
