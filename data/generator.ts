/**
 * A deterministic, seeded generator of NYC-taxi-shaped trips: pickups clustered where
 * New York's are (Midtown and Lower Manhattan, the Upper East/West Side, Brooklyn, the
 * airports), a diurnal curve with morning and evening peaks and a night trough, fares
 * and durations that follow distance and traffic, and the noise the real data has
 * (zero coordinates, points far outside the city). Output is sorted by drop-off time.
 */
import type { TripEvent } from './trip.js';

/** sfc32: small, fast and well distributed; seeded from a number, so runs repeat exactly. */
export function seededRandom(seed: number): () => number {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ Math.imul(seed, 0x85ebca6b);
  let c = 0xb7e15162;
  let d = 1;
  const next = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) + t;
    return t / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

interface Zone {
  name: string;
  lat: number;
  lon: number;
  /** Spread in degrees (one standard deviation). */
  spread: number;
  pickupWeight: number;
  dropoffWeight: number;
  airport?: boolean;
}

const ZONES: readonly Zone[] = [
  { name: 'Midtown', lat: 40.7549, lon: -73.984, spread: 0.011, pickupWeight: 32, dropoffWeight: 28 },
  { name: 'Lower Manhattan', lat: 40.7128, lon: -74.006, spread: 0.009, pickupWeight: 14, dropoffWeight: 13 },
  { name: 'Chelsea and the Village', lat: 40.7359, lon: -73.9986, spread: 0.008, pickupWeight: 13, dropoffWeight: 12 },
  { name: 'Upper East Side', lat: 40.7736, lon: -73.9566, spread: 0.009, pickupWeight: 12, dropoffWeight: 12 },
  { name: 'Upper West Side', lat: 40.787, lon: -73.9754, spread: 0.009, pickupWeight: 9, dropoffWeight: 10 },
  { name: 'Downtown Brooklyn', lat: 40.6928, lon: -73.9903, spread: 0.012, pickupWeight: 6, dropoffWeight: 8 },
  { name: 'Williamsburg', lat: 40.7081, lon: -73.9571, spread: 0.01, pickupWeight: 4, dropoffWeight: 6 },
  { name: 'JFK', lat: 40.6432, lon: -73.7822, spread: 0.004, pickupWeight: 3.5, dropoffWeight: 3.5, airport: true },
  { name: 'LGA', lat: 40.7729, lon: -73.8705, spread: 0.0025, pickupWeight: 3.5, dropoffWeight: 4, airport: true },
  { name: 'Astoria', lat: 40.7644, lon: -73.9235, spread: 0.01, pickupWeight: 3, dropoffWeight: 3.5 },
];

/** Relative demand by hour of day (New York time): trough at 4–5 am, peaks at 8–9 am and 6–8 pm. */
export const HOURLY_DEMAND: readonly number[] = [
  0.62, 0.45, 0.33, 0.24, 0.17, 0.18, 0.34, 0.62, 0.86, 0.9, 0.8, 0.79,
  0.83, 0.84, 0.88, 0.87, 0.8, 0.9, 1.0, 1.0, 0.93, 0.9, 0.88, 0.76,
];

/** Average road speed (mph) by hour: free-flowing at night, crawling at the peaks. */
const HOURLY_SPEED_MPH: readonly number[] = [
  19, 20, 21, 22, 23, 21, 17, 13, 11, 11, 12, 12, 12, 12, 12, 11, 11, 10, 10, 11, 13, 14, 15, 17,
];

export interface GeneratorOptions {
  trips: number;
  seed: number;
  /** First day, `YYYY-MM-DD`; trips are spread over `days` days starting at local midnight. */
  startDate?: string;
  days?: number;
  /** Share of trips with a zero coordinate pair, as in the TLC data. */
  zeroCoordinateShare?: number;
  /** Share of trips with a point far outside the city. */
  outsideShare?: number;
}

/** Fixed New York winter offset: the default dates are in January, so no DST edge in a day's data. */
const ZONE_OFFSET = '-05:00';
const ZONE_OFFSET_MS = -5 * 3_600_000;

function pickWeighted<T>(random: () => number, items: readonly T[], weight: (t: T) => number): T {
  const total = items.reduce((sum, t) => sum + weight(t), 0);
  let r = random() * total;
  for (const item of items) {
    r -= weight(item);
    if (r <= 0) return item;
  }
  return items[items.length - 1]!;
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function haversineMiles(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 3958.8 * 2 * Math.asin(Math.sqrt(h));
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** ISO-8601 with New York's winter offset, e.g. `2015-01-15T08:03:12-05:00`. */
export function toNewYorkIso(utcMs: number): string {
  return new Date(utcMs + ZONE_OFFSET_MS).toISOString().slice(0, 19) + ZONE_OFFSET;
}

const HOURS = HOURLY_DEMAND.map((_, hour) => hour);

function pickupOffsetInDay(random: () => number): number {
  const hour = pickWeighted(random, HOURS, (h) => HOURLY_DEMAND[h]!);
  return (hour + random()) * 3_600_000;
}

function point(random: () => number, zone: Zone): { lat: number; lon: number } {
  return { lat: zone.lat + gaussian(random) * zone.spread, lon: zone.lon + gaussian(random) * zone.spread * 1.3 };
}

function destinationWeight(from: Zone, to: Zone): number {
  if (from.airport) return to.airport ? 0.2 : to.dropoffWeight;
  if (to.airport) return to.dropoffWeight * 0.6;
  const miles = haversineMiles(from.lat, from.lon, to.lat, to.lon);
  return to.dropoffWeight * (to === from ? 2.5 : Math.exp(-miles / 2.5));
}

function makeTrip(random: () => number, index: number, dayStartUtcMs: number): TripEvent {
  const pickupMs = dayStartUtcMs + Math.floor(pickupOffsetInDay(random) / 1000) * 1000;
  const hour = new Date(pickupMs + ZONE_OFFSET_MS).getUTCHours();
  const from = pickWeighted(random, ZONES, (z) => z.pickupWeight);
  // Most city trips are short (the TLC median is under two miles); airport riders go anywhere.
  const to = pickWeighted(random, ZONES, (z) => destinationWeight(from, z));
  const pickup = point(random, from);
  const dropoff = point(random, to);
  const distance = Math.max(0.3, haversineMiles(pickup.lat, pickup.lon, dropoff.lat, dropoff.lon) * (1.25 + random() * 0.25));
  const speed = HOURLY_SPEED_MPH[hour]! * (0.75 + random() * 0.5);
  const minutes = 1.5 + (distance / speed) * 60 * (0.9 + random() * 0.3);
  const dropoffMs = pickupMs + Math.round(minutes * 60) * 1000;
  const card = random() < 0.62;
  const airportFlat = (from.name === 'JFK' || to.name === 'JFK') && random() < 0.7;
  const fare = airportFlat ? 52 : 2.5 + distance * 2.5 + minutes * 0.15;
  const tolls = (from.airport || to.airport) && random() < 0.4 ? 5.54 : 0;
  const tip = card ? fare * (0.12 + random() * 0.12) : 0;
  const surcharge = hour >= 20 || hour < 6 ? 0.5 : hour >= 16 ? 1 : 0;
  const passengers = pickWeighted(random, [1, 2, 3, 4, 5, 6], (n) => [70, 14, 4, 2, 6, 4][n - 1]!);
  const trip: TripEvent = {
    trip_id: `${(index + 1).toString(36).padStart(6, '0')}${Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0')}`,
    vendor_id: random() < 0.52 ? 'VTS' : 'CMT',
    pickup_datetime: toNewYorkIso(pickupMs),
    dropoff_datetime: toNewYorkIso(dropoffMs),
    pickup_latitude: round(pickup.lat, 6),
    pickup_longitude: round(pickup.lon, 6),
    dropoff_latitude: round(dropoff.lat, 6),
    dropoff_longitude: round(dropoff.lon, 6),
    passenger_count: passengers,
    trip_distance: round(distance, 2),
    payment_type: card ? 'CRD' : 'CSH',
    total_amount: round(fare + tolls + tip + surcharge + 0.5, 2),
  };
  return trip;
}

function addNoise(random: () => number, trip: TripEvent, zeroShare: number, outsideShare: number): void {
  const r = random();
  if (r < zeroShare) {
    const end = random() < 0.5 ? 'pickup' : 'dropoff';
    trip[`${end}_latitude`] = 0;
    trip[`${end}_longitude`] = 0;
  } else if (r < zeroShare + outsideShare) {
    // Real outliers: GPS glitches to far away, or latitude and longitude swapped.
    if (random() < 0.5) {
      trip.dropoff_latitude = round(40 + random() * 3, 6);
      trip.dropoff_longitude = round(-75.5 + random() * 3, 6);
    } else {
      [trip.pickup_latitude, trip.pickup_longitude] = [trip.pickup_longitude, trip.pickup_latitude];
    }
  }
}

/**
 * Yields trips in drop-off order, one day at a time, so memory holds about a day of
 * trips however many days are generated.
 */
export function* generateTrips(options: GeneratorOptions): Generator<TripEvent> {
  const days = options.days ?? 1;
  const startDate = options.startDate ?? '2015-01-15';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(startDate)) throw new Error(`startDate must be YYYY-MM-DD, got ${startDate}`);
  const random = seededRandom(options.seed);
  const firstDayUtcMs = Date.parse(`${startDate}T00:00:00${ZONE_OFFSET}`);
  let carried: TripEvent[] = [];
  let index = 0;
  for (let day = 0; day < days; day++) {
    const dayStart = firstDayUtcMs + day * 86_400_000;
    const count = Math.floor(options.trips / days) + (day < options.trips % days ? 1 : 0);
    const trips = carried;
    for (let i = 0; i < count; i++) {
      const trip = makeTrip(random, index++, dayStart);
      addNoise(random, trip, options.zeroCoordinateShare ?? 0.012, options.outsideShare ?? 0.004);
      trips.push(trip);
    }
    const withTimes = trips.map((t) => ({ t, at: Date.parse(t.dropoff_datetime) }));
    withTimes.sort((x, y) => x.at - y.at || (x.t.trip_id < y.t.trip_id ? -1 : 1));
    const nextDay = dayStart + 86_400_000;
    const lastDay = day === days - 1;
    carried = [];
    for (const { t, at } of withTimes) {
      if (!lastDay && at >= nextDay) carried.push(t);
      else yield t;
    }
  }
}
