/**
 * Where workflow-task time goes, from Prometheus histograms scraped before and after a
 * phase: the worker's own (the SDK's task execution time, its RespondWorkflowTaskCompleted
 * round trip, sticky-cache misses) against the Temporal server's (persistence writes,
 * the RPC as the server handled it). A history's "task ran 1.4 s" is server timestamps;
 * these split it into worker work and server work. Only the text format's samples are
 * read (`name{labels} value`); histograms are compared bucket by bucket.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export type Scrape = Sample[];

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * `keep`: name prefixes to keep (the server's page is megabytes with hundreds of workflows;
 * the bench keeps a dozen scrapes, so it parses only the metrics it reports).
 */
export function parsePrometheus(text: string, keep?: readonly string[]): Scrape {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    if (keep !== undefined && !keep.some((prefix) => line.startsWith(prefix))) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key as string] = value as string;
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The metrics taskTimeSplit reads. */
export const SPLIT_METRICS = [
  'temporal_workflow_task_execution_latency', 'temporal_workflow_task_schedule_to_start_latency', 'temporal_request_latency',
  'temporal_sticky_cache_miss', 'temporal_sticky_cache_total_forced_eviction', 'persistence_latency', 'service_latency',
] as const;

/** A scrape, or an empty one when the endpoint does not answer (the report then says "not measured"). */
export async function scrape(url: string | undefined): Promise<Scrape> {
  if (url === undefined) return [];
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return response.ok ? parsePrometheus(await response.text(), SPLIT_METRICS) : [];
  } catch {
    return [];
  }
}

export async function scrapeAll(urls: string[]): Promise<Scrape> {
  return (await Promise.all(urls.map((u) => scrape(u)))).flat();
}

export interface HistogramSelector {
  /** The histogram's name without `_bucket`; names that start with it match (exporters may append a unit). */
  name: string;
  labels?: Record<string, string>;
  /** Multiply bucket bounds by this to get milliseconds (1000 for seconds). */
  toMs: number;
}

export interface HistogramDelta {
  count: number;
  /** Upper bucket bound (ms) below which half / 99 % of the observations fell; NaN without observations, null past the largest bound. */
  p50AtMostMs: number | null;
  p99AtMostMs: number | null;
  /** The histogram's largest finite bucket bound, ms (a quantile past it is null). */
  largestBoundMs: number;
  /** Observations above 1 s (the bucket bound at or below 1 s the histogram has; see overMs). */
  over1s: number;
  /** The bound `over1s` counts from, ms (1000 when the histogram has a 1 s bucket). */
  overMs: number;
  meanMs: number;
}

function matches(sample: Sample, selector: HistogramSelector, suffix: string): boolean {
  if (!sample.name.startsWith(selector.name) || !sample.name.endsWith(suffix)) return false;
  return Object.entries(selector.labels ?? {}).every(([k, v]) => sample.labels[k] === v);
}

/** Cumulative bucket counts by bound (ms), summed over every label set the selector matches. */
function buckets(s: Scrape, selector: HistogramSelector): Map<number, number> {
  const byBound = new Map<number, number>();
  for (const sample of s) {
    if (!matches(sample, selector, '_bucket') || sample.labels.le === undefined) continue;
    const bound = sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le) * selector.toMs;
    byBound.set(bound, (byBound.get(bound) ?? 0) + sample.value);
  }
  return byBound;
}

function total(s: Scrape, selector: HistogramSelector, suffix: '_sum' | '_count'): number {
  return s.filter((sample) => matches(sample, selector, suffix)).reduce((n, sample) => n + sample.value, 0);
}

/** The histogram's observations between two scrapes. */
export function histogramDelta(before: Scrape, after: Scrape, selector: HistogramSelector): HistogramDelta {
  const a = buckets(before, selector);
  const b = buckets(after, selector);
  const bounds = [...b.keys()].sort((x, y) => x - y);
  const cumulative = bounds.map((bound) => ({ bound, n: (b.get(bound) ?? 0) - (a.get(bound) ?? 0) }));
  const count = cumulative.at(-1)?.n ?? 0;
  const quantile = (q: number) => {
    if (count === 0) return NaN;
    const bound = cumulative.find((c) => c.n >= q * count)?.bound ?? Infinity;
    return Number.isFinite(bound) ? bound : null;
  };
  const at1s = [...cumulative].reverse().find((c) => c.bound <= 1000);
  const sumMs = (total(after, selector, '_sum') - total(before, selector, '_sum')) * selector.toMs;
  return {
    count,
    p50AtMostMs: quantile(0.5),
    p99AtMostMs: quantile(0.99),
    largestBoundMs: bounds.filter((b) => Number.isFinite(b)).at(-1) ?? NaN,
    over1s: at1s === undefined ? count : count - at1s.n,
    overMs: at1s?.bound ?? 0,
    meanMs: count === 0 ? NaN : Math.round((sumMs / count) * 10) / 10,
  };
}

/** A counter's increase between two scrapes, summed over the label sets that match. */
export function counterDelta(before: Scrape, after: Scrape, name: string): number {
  const sum = (s: Scrape) => s.filter((x) => x.name.startsWith(name) && !x.name.endsWith('_created')).reduce((n, x) => n + x.value, 0);
  return sum(after) - sum(before);
}

/** What the bench reports per phase: the worker's view and the server's view of the same tasks. */
export interface TaskTimeSplit {
  /** The SDK's time to process a workflow task (activation in, completion out), on the worker. */
  workerExecution: HistogramDelta;
  /** Scheduled → picked up, as the worker saw it. */
  workerScheduleToStart: HistogramDelta;
  /** The worker's RespondWorkflowTaskCompleted round trip: the server persisting the task's outcome. */
  respondCompletedRpc: HistogramDelta;
  stickyCacheMisses: number;
  stickyCacheForcedEvictions: number;
  /** The server's persistence writes of workflow state. */
  serverUpdateWorkflowExecution: HistogramDelta;
  /** The server's handling of RespondWorkflowTaskCompleted. */
  serverRespondCompleted: HistogramDelta;
  /** The server recording a task as started when a poll takes it (a write before the worker gets the task). */
  serverRecordTaskStarted: HistogramDelta;
}

export function taskTimeSplit(worker: [Scrape, Scrape], server: [Scrape, Scrape]): TaskTimeSplit {
  const w = (name: string, labels?: Record<string, string>) => histogramDelta(worker[0], worker[1], { name, labels, toMs: 1 });
  // The dev server reports every service at one endpoint: the history service's own figures, not the frontend's pass-through.
  const s = (name: string, labels?: Record<string, string>) => histogramDelta(server[0], server[1], { name, labels, toMs: 1000 });
  return {
    workerExecution: w('temporal_workflow_task_execution_latency'),
    workerScheduleToStart: w('temporal_workflow_task_schedule_to_start_latency'),
    respondCompletedRpc: w('temporal_request_latency', { operation: 'RespondWorkflowTaskCompleted' }),
    stickyCacheMisses: counterDelta(worker[0], worker[1], 'temporal_sticky_cache_miss'),
    stickyCacheForcedEvictions: counterDelta(worker[0], worker[1], 'temporal_sticky_cache_total_forced_eviction'),
    serverUpdateWorkflowExecution: s('persistence_latency', { operation: 'UpdateWorkflowExecution', service_name: 'history' }),
    serverRespondCompleted: s('service_latency', { operation: 'RespondWorkflowTaskCompleted', service_name: 'history' }),
    serverRecordTaskStarted: s('service_latency', { operation: 'RecordWorkflowTaskStarted', service_name: 'history' }),
  };
}
