/**
 * The GetMetricData engine: MetricStat queries read the store, expression queries are
 * evaluated in dependency order over their results. Inputs are already validated.
 */
import { evaluate, ExpressionEvaluationError, type TimeSeries, type Value } from './expressions/evaluate.js';
import { ExpressionSyntaxError, parseExpression, type Expr } from './expressions/parser.js';
import { validationError } from './errors.js';
import { computeStatistic, type Statistic } from './statistics.js';
import { readWindow, type ResolutionPolicy } from './resolution.js';
import { aggregate, type MetricStore, type SeriesKey } from './store.js';

/** What the reader may see: the clock and the `AWS/` namespaces' resolution policy. */
export interface ReadContext {
  nowMs: number;
  policy: ResolutionPolicy;
}

export interface MetricStatQuery {
  kind: 'metric';
  id: string;
  label: string | undefined;
  returnData: boolean;
  key: SeriesKey;
  period: number;
  stat: Statistic;
}

export interface ExpressionQuery {
  kind: 'expression';
  id: string;
  label: string | undefined;
  returnData: boolean;
  expression: string;
  period: number | undefined;
}

export type Query = MetricStatQuery | ExpressionQuery;

export interface QueryResult {
  id: string;
  label: string;
  series: TimeSeries;
}

/** Reads one MetricStat query: one value per period with data in [startSec, endSec). */
export function readMetricStat(store: MetricStore, q: MetricStatQuery, startSec: number, endSec: number, read: ReadContext): TimeSeries {
  const points = new Map<number, number>();
  const series = store.get(q.key);
  if (series) {
    const window = readWindow(q.key.namespace, q.period, endSec, read.nowMs, read.policy);
    const alignedStart = Math.floor(startSec / window.period) * window.period;
    for (const agg of aggregate(series, alignedStart, window.endSec, window.period)) {
      const value = computeStatistic(agg, q.stat);
      if (value !== undefined) points.set(agg.start, value);
    }
  }
  return { label: q.label ?? q.key.metricName, points };
}

function periodGrid(startSec: number, endSec: number, period: number): number[] {
  const grid: number[] = [];
  for (let t = Math.floor(startSec / period) * period; t < endSec; t += period) grid.push(t);
  return grid;
}

function parseAll(queries: ExpressionQuery[]): Map<string, Expr> {
  const parsed = new Map<string, Expr>();
  for (const q of queries) {
    try {
      parsed.set(q.id, parseExpression(q.expression));
    } catch (err) {
      if (err instanceof ExpressionSyntaxError) throw validationError(`Error in expression ${q.id}: ${err.message}`);
      throw err;
    }
  }
  return parsed;
}

/** Runs every query; returns results in request order (ReturnData filtering is the caller's). */
export function runQueries(store: MetricStore, queries: Query[], startSec: number, endSec: number, read: ReadContext): QueryResult[][] {
  const metricQueries = queries.filter((q): q is MetricStatQuery => q.kind === 'metric');
  const expressionQueries = queries.filter((q): q is ExpressionQuery => q.kind === 'expression');
  const byId = new Map(queries.map((q) => [q.id, q]));
  const parsed = parseAll(expressionQueries);
  const values = new Map<string, Value>();
  for (const q of metricQueries) values.set(q.id, readMetricStat(store, q, startSec, endSec, read));

  const defaultPeriod = Math.min(...metricQueries.map((q) => q.period), 60);
  const inProgress = new Set<string>();
  const metricStatSeries = () => metricQueries.map((q) => ({ id: q.id, series: values.get(q.id) as TimeSeries }));

  const valueOf = (id: string, from: string): Value => {
    const known = values.get(id);
    if (known !== undefined) return known;
    const q = byId.get(id);
    if (!q) throw validationError(`Error in expression ${from}: Unrecognized metric id ${id}`);
    if (q.kind !== 'expression') throw new Error(`MetricStat ${id} has no value`);
    if (inProgress.has(id)) throw validationError(`Error in expression ${from}: Circular dependency on ${id}`);
    inProgress.add(id);
    const expr = parsed.get(id) as Expr;
    const ctx = {
      resolve: (ref: string) => valueOf(ref, id),
      metricStatSeries,
      grid: periodGrid(startSec, endSec, q.period ?? defaultPeriod),
    };
    let value: Value;
    try {
      value = evaluate(expr, ctx);
    } catch (err) {
      if (err instanceof ExpressionEvaluationError) throw validationError(`Error in expression ${id}: ${err.message}`);
      throw err;
    }
    inProgress.delete(id);
    values.set(id, typeof value === 'number' ? scalarSeries(value, ctx.grid) : value);
    return values.get(id) as Value;
  };

  return queries.map((q) => {
    const value = valueOf(q.id, q.id);
    if (!Array.isArray(value)) return [{ id: q.id, label: resultLabel(q, value as TimeSeries, false), series: value as TimeSeries }];
    return value.map((series) => ({ id: q.id, label: resultLabel(q, series, true), series }));
  });
}

/** A scalar result is shown as a constant line over the requested range. */
function scalarSeries(value: number, grid: number[]): TimeSeries {
  return { label: '', points: new Map(Number.isNaN(value) ? [] : grid.map((t) => [t, value])) };
}

function resultLabel(q: Query, series: TimeSeries, fromArray: boolean): string {
  if (q.kind === 'metric') return series.label;
  // Members of an array (e.g. METRICS()) keep their own labels so results stay distinguishable.
  if (fromArray) return q.label !== undefined ? `${q.label} ${series.label}` : series.label;
  return q.label ?? q.id;
}
