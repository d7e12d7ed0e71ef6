/**
 * Evaluates a parsed metric-math expression over time series. Semantics follow
 * CloudWatch's documentation: arithmetic between two series keeps only timestamps both
 * have (missing stays missing unless FILL is used); SUM/AVG/MIN/MAX of one series give a
 * scalar, of an array of series one series; RATE is the change per second.
 */
import type { Expr } from './parser.js';

export interface TimeSeries {
  label: string;
  /** Epoch second of the period start → value. */
  points: Map<number, number>;
}

export type Value = number | TimeSeries | TimeSeries[];

export class ExpressionEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionEvaluationError';
  }
}

export interface EvaluationContext {
  /** The result of another query by id. */
  resolve(id: string): Value;
  /** MetricStat queries in request order, for METRICS(). */
  metricStatSeries(): { id: string; series: TimeSeries }[];
  /** Period starts of the requested range, oldest first (FILL's grid). */
  grid: number[];
}

export function evaluate(expr: Expr, ctx: EvaluationContext): Value {
  switch (expr.type) {
    case 'number':
      return expr.value;
    case 'ref':
      return ctx.resolve(expr.id);
    case 'array':
      return expr.items.flatMap((item) => asArray(evaluate(item, ctx)));
    case 'unary':
      return mapValue(evaluate(expr.operand, ctx), (v) => -v);
    case 'binary':
      return combine(expr.op, evaluate(expr.left, ctx), evaluate(expr.right, ctx));
    case 'call':
      return callFunction(expr, ctx);
    case 'string':
    case 'keyword':
      throw new ExpressionEvaluationError(`'${expr.type === 'string' ? expr.value : expr.name}' is not valid here`);
  }
}

function asArray(value: Value): TimeSeries[] {
  if (typeof value === 'number') throw new ExpressionEvaluationError('An array can only contain time series');
  return Array.isArray(value) ? value : [value];
}

function mapSeries(s: TimeSeries, fn: (v: number) => number): TimeSeries {
  const points = new Map<number, number>();
  for (const [t, v] of s.points) points.set(t, fn(v));
  return { label: s.label, points };
}

function mapValue(value: Value, fn: (v: number) => number): Value {
  if (typeof value === 'number') return fn(value);
  if (Array.isArray(value)) return value.map((s) => mapSeries(s, fn));
  return mapSeries(value, fn);
}

const OPERATORS: Record<'+' | '-' | '*' | '/' | '^', (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '^': (a, b) => a ** b,
};

function combineSeries(fn: (a: number, b: number) => number, a: TimeSeries, b: TimeSeries): TimeSeries {
  const points = new Map<number, number>();
  for (const [t, va] of a.points) {
    const vb = b.points.get(t);
    if (vb !== undefined) points.set(t, fn(va, vb));
  }
  return { label: a.label, points };
}

function combine(op: keyof typeof OPERATORS, left: Value, right: Value): Value {
  const fn = OPERATORS[op];
  if (typeof left === 'number' && typeof right === 'number') return fn(left, right);
  if (typeof right === 'number') return mapValue(left, (v) => fn(v, right));
  if (typeof left === 'number') return mapValue(right, (v) => fn(left, v));
  if (Array.isArray(left) && Array.isArray(right)) {
    throw new ExpressionEvaluationError('Arithmetic between two arrays of time series is not supported');
  }
  if (Array.isArray(left)) return left.map((s) => combineSeries(fn, s, right as TimeSeries));
  if (Array.isArray(right)) return right.map((s) => combineSeries(fn, left, s));
  return combineSeries(fn, left, right);
}

function callFunction(expr: Extract<Expr, { type: 'call' }>, ctx: EvaluationContext): Value {
  const args = expr.args;
  switch (expr.name) {
    case 'METRICS':
      return metrics(args, ctx);
    case 'FILL':
      if (args.length !== 2) throw new ExpressionEvaluationError('FILL takes two arguments');
      return fill(evaluate(args[0] as Expr, ctx), args[1] as Expr, ctx);
    case 'SUM':
    case 'AVG':
    case 'MIN':
    case 'MAX':
      if (args.length !== 1) throw new ExpressionEvaluationError(`${expr.name} takes one argument`);
      return reduce(expr.name, evaluate(args[0] as Expr, ctx));
    case 'RATE':
    case 'DIFF':
      if (args.length !== 1) throw new ExpressionEvaluationError(`${expr.name} takes one argument`);
      return perSeries(evaluate(args[0] as Expr, ctx), (s) => difference(s, expr.name === 'RATE'));
    case 'ABS':
      if (args.length !== 1) throw new ExpressionEvaluationError('ABS takes one argument');
      return mapValue(evaluate(args[0] as Expr, ctx), Math.abs);
    default:
      throw new ExpressionEvaluationError(`Unsupported function ${expr.name}`);
  }
}

function metrics(args: Expr[], ctx: EvaluationContext): TimeSeries[] {
  const filterArg = args[0];
  if (args.length > 1 || (filterArg && filterArg.type !== 'string')) {
    throw new ExpressionEvaluationError("METRICS takes no argument or one string, e.g. METRICS('m')");
  }
  const filter = filterArg?.type === 'string' ? filterArg.value : '';
  return ctx
    .metricStatSeries()
    .filter(({ id, series }) => filter === '' || id.includes(filter) || series.label.includes(filter))
    .map(({ series }) => series);
}

function perSeries(value: Value, fn: (s: TimeSeries) => TimeSeries): Value {
  if (typeof value === 'number') throw new ExpressionEvaluationError('This function needs a time series');
  return Array.isArray(value) ? value.map(fn) : fn(value);
}

function fill(value: Value, how: Expr, ctx: EvaluationContext): Value {
  if (how.type === 'keyword' && (how.name === 'REPEAT' || how.name === 'LINEAR')) {
    const mode = how.name;
    return perSeries(value, (s) => fillSeries(s, ctx.grid, mode));
  }
  const filler = evaluate(how, ctx);
  if (typeof filler !== 'number') throw new ExpressionEvaluationError('FILL needs a number, REPEAT or LINEAR');
  return perSeries(value, (s) => fillSeries(s, ctx.grid, filler));
}

function fillSeries(s: TimeSeries, grid: number[], how: number | 'REPEAT' | 'LINEAR'): TimeSeries {
  const points = new Map<number, number>();
  const known = grid.filter((t) => s.points.has(t));
  for (const t of grid) {
    const own = s.points.get(t);
    if (own !== undefined) points.set(t, own);
    else if (typeof how === 'number') points.set(t, how);
    else {
      const before = [...known].reverse().find((k) => k < t);
      const after = known.find((k) => k > t);
      if (how === 'REPEAT') {
        const source = before ?? after;
        if (source !== undefined) points.set(t, s.points.get(source) as number);
      } else if (before !== undefined && after !== undefined) {
        const vb = s.points.get(before) as number;
        const va = s.points.get(after) as number;
        points.set(t, vb + ((va - vb) * (t - before)) / (after - before));
      }
    }
  }
  return { label: s.label, points };
}

function reduce(name: 'SUM' | 'AVG' | 'MIN' | 'MAX', value: Value): Value {
  const pick = (values: number[]): number => {
    if (name === 'SUM') return values.reduce((a, b) => a + b, 0);
    if (name === 'AVG') return values.reduce((a, b) => a + b, 0) / values.length;
    return name === 'MIN' ? Math.min(...values) : Math.max(...values);
  };
  if (typeof value === 'number') return value;
  if (!Array.isArray(value)) {
    const values = [...value.points.values()];
    return values.length === 0 ? NaN : pick(values);
  }
  const byTime = new Map<number, number[]>();
  for (const s of value) {
    for (const [t, v] of s.points) {
      const list = byTime.get(t) ?? [];
      list.push(v);
      byTime.set(t, list);
    }
  }
  const points = new Map<number, number>();
  for (const t of [...byTime.keys()].sort((a, b) => a - b)) points.set(t, pick(byTime.get(t) as number[]));
  return { label: name, points };
}

function difference(s: TimeSeries, perSecond: boolean): TimeSeries {
  const times = [...s.points.keys()].sort((a, b) => a - b);
  const points = new Map<number, number>();
  for (let i = 1; i < times.length; i++) {
    const t = times[i] as number;
    const prev = times[i - 1] as number;
    const delta = (s.points.get(t) as number) - (s.points.get(prev) as number);
    points.set(t, perSecond ? delta / (t - prev) : delta);
  }
  return { label: s.label, points };
}
