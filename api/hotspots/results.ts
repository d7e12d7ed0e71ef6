/**
 * Where the Flink job's results are read from. In the emulator the simulated job keeps
 * them behind its admin API (`/_emulator/flink/results/:application`), on another
 * origin than the API and without CORS — so the API reads them for the page. Against
 * real AWS the job writes to its own sink (the article's OpenSearch indices); the API
 * says so instead of guessing a connection it does not have.
 */
import type { HotspotHour, HotspotsResponse } from '../schemas/hotspots.js';

interface EmulatorPickup { geohash: string; windowStart: string; windowEnd: string; pickups: number }
interface EmulatorDuration { geohash: string; airport: string; windowStart: string; windowEnd: string; trips: number; averageMinutes: number }
interface EmulatorResults {
  status?: string;
  watermark?: string | null;
  pickupCount?: EmulatorPickup[];
  tripDuration?: EmulatorDuration[];
  results?: null;
}

export const AWS_RESULTS_LOCATION = 'Against AWS the Flink job writes its results to its own sink — in the source article the '
  + 'OpenSearch indices pickup_count (pickups per geohash-7 cell per hour) and trip_duration (average minutes to JFK and '
  + 'LaGuardia per geohash-6 pickup area), read with OpenSearch Dashboards. shardpilot does not read that sink; open the '
  + 'domain named in the application\'s properties, or set AWS_ENDPOINT_URL_KINESIS_ANALYTICS_V2 to the emulator to see '
  + 'the simulated job\'s results here.';

/** Groups the job's upserted rows by hour window, busiest cells first. */
export function hoursOf(results: EmulatorResults): HotspotHour[] {
  const hours = new Map<string, HotspotHour>();
  const hourOf = (windowStart: string, windowEnd: string): HotspotHour => {
    let hour = hours.get(windowStart);
    if (!hour) {
      hour = { windowStart, windowEnd, totalPickups: 0, cells: [], airportTrips: [] };
      hours.set(windowStart, hour);
    }
    return hour;
  };
  for (const p of results.pickupCount ?? []) {
    const hour = hourOf(p.windowStart, p.windowEnd);
    hour.cells.push({ geohash: p.geohash, pickups: p.pickups });
    hour.totalPickups += p.pickups;
  }
  for (const d of results.tripDuration ?? []) {
    hourOf(d.windowStart, d.windowEnd).airportTrips.push({
      geohash: d.geohash, airport: d.airport, trips: d.trips, averageMinutes: Math.round(d.averageMinutes * 10) / 10,
    });
  }
  const sorted = [...hours.values()].sort((a, b) => a.windowStart.localeCompare(b.windowStart));
  for (const hour of sorted) {
    hour.cells.sort((a, b) => b.pickups - a.pickups || a.geohash.localeCompare(b.geohash));
    hour.airportTrips.sort((a, b) => b.trips - a.trips || a.geohash.localeCompare(b.geohash));
  }
  return sorted;
}

export interface ResultsSource {
  /** The emulator's endpoint (the Flink endpoint override), or undefined for real AWS. */
  flinkEndpoint: string | undefined;
  timeoutMs: number;
}

export async function readHotspots(id: string, applicationName: string, source: ResultsSource): Promise<HotspotsResponse> {
  const base = { id, applicationName, watermark: null, hours: [] };
  if (source.flinkEndpoint === undefined) {
    return { ...base, source: 'aws', available: false, message: AWS_RESULTS_LOCATION };
  }
  const url = `${source.flinkEndpoint}/_emulator/flink/results/${encodeURIComponent(applicationName)}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(source.timeoutMs) });
  } catch {
    return { ...base, source: 'emulator', available: false, message: `The emulator at ${source.flinkEndpoint} did not answer.` };
  }
  if (response.status === 404) {
    return { ...base, source: 'emulator', available: false, message: `The emulator has no application ${applicationName} (not created yet, or deleted).` };
  }
  if (!response.ok) {
    // A Flink endpoint that is not the emulator (e.g. a VPC endpoint) has no admin API.
    return { ...base, source: 'aws', available: false, message: AWS_RESULTS_LOCATION };
  }
  const results = (await response.json()) as EmulatorResults;
  const hours = hoursOf(results);
  return {
    ...base,
    source: 'emulator',
    available: hours.length > 0,
    watermark: results.watermark ?? null,
    hours,
    message: hours.length > 0
      ? `Results of the simulated job in the emulator (${source.flinkEndpoint}); an hour appears once the watermark passes its end.`
      : `The job (${results.status ?? 'unknown state'}) has not closed an hour window yet: results appear once the watermark passes an hour's end.`,
  };
}
