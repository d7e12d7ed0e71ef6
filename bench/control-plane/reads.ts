/**
 * The read path under load, measured with autocannon at a fixed request rate (latencies
 * corrected for coordinated omission): `GET /pipelines/:id` spread over every pipeline,
 * and `GET /pipelines` (Temporal visibility).
 */
import autocannon from 'autocannon';

export interface ReadRun {
  route: string;
  connections: number;
  targetRatePerSecond: number;
  durationSeconds: number;
  requests: number;
  achievedRatePerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  statusCounts: Record<string, number>;
  errors5xx: number;
  connectionErrors: number;
  /** Status reads only: how old the served answers were and how many the workflow answered itself. */
  freshness?: { maxAgeMs: number; p99AgeMs: number; fromQuery: number; fromCache: number };
}

function summary(route: string, target: number, result: autocannon.Result): ReadRun {
  const statusCounts: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCounts[code] = stat.count ?? 0;
  return {
    route,
    connections: result.connections,
    targetRatePerSecond: target,
    durationSeconds: result.duration,
    requests: result.requests.total,
    achievedRatePerSecond: Math.round((result.requests.total / result.duration) * 10) / 10,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    statusCounts,
    errors5xx: result['5xx'],
    connectionErrors: result.errors,
  };
}

export async function benchStatusReads(apiUrl: string, ids: string[], options: { rate: number; connections: number; seconds: number }): Promise<ReadRun> {
  const ages: number[] = [];
  let fromQuery = 0;
  let fromCache = 0;
  const result = await autocannon({
    url: apiUrl,
    connections: options.connections,
    overallRate: options.rate,
    duration: options.seconds,
    requests: [{
      method: 'GET',
      setupRequest: (request) => ({ ...request, path: `/pipelines/${ids[Math.floor(Math.random() * ids.length)]}` }),
      onResponse: (status, body) => {
        if (status !== 200) return;
        const freshness = (JSON.parse(body) as { freshness?: { ageMs: number; source: string } }).freshness;
        if (!freshness) return;
        ages.push(freshness.ageMs);
        if (freshness.source === 'query') fromQuery++;
        else fromCache++;
      },
    }],
  });
  const run = summary('GET /pipelines/:id', options.rate, result);
  ages.sort((a, b) => a - b);
  run.freshness = {
    maxAgeMs: ages[ages.length - 1] ?? 0,
    p99AgeMs: ages[Math.max(0, Math.ceil(ages.length * 0.99) - 1)] ?? 0,
    fromQuery,
    fromCache,
  };
  return run;
}

export async function benchListReads(apiUrl: string, options: { rate: number; connections: number; seconds: number }): Promise<ReadRun> {
  const result = await autocannon({
    url: `${apiUrl}/pipelines?pageSize=50`,
    connections: options.connections,
    overallRate: options.rate,
    duration: options.seconds,
  });
  return summary('GET /pipelines', options.rate, result);
}
