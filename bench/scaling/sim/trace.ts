/**
 * Demand traces (SCALING.md "Trace files"): CSV with a header and one row per step,
 * piecewise constant until the next row. Parsing is pure; reading files is the
 * runner's job.
 */
export const DEFAULT_BYTES_PER_RECORD = 350;

export interface TraceRow {
  t: number;
  recordsPerSecond: number;
  bytesPerRecord: number;
  /** Null: the policy's configured rate (the simulator's `configuredUnitRate`). */
  trueRatePerParallelism: number | null;
}

export interface Trace {
  name: string;
  rows: TraceRow[];
  /** Seconds covered: the last row lasts as long as the step before it (or 60 s for a single row). */
  durationSeconds: number;
}

const COLUMNS = ['t_seconds', 'records_per_second', 'avg_record_bytes', 'true_records_per_second_per_parallelism'];

export function parseTrace(name: string, csv: string): Trace {
  const lines = csv.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('#'));
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  if (header[0] !== COLUMNS[0] || header[1] !== COLUMNS[1]) {
    throw new Error(`${name}: header must start with ${COLUMNS[0]},${COLUMNS[1]} (got '${header.join(',')}')`);
  }
  const index = (col: string) => header.indexOf(col);
  const bytesAt = index(COLUMNS[2]!);
  const rateAt = index(COLUMNS[3]!);
  const rows: TraceRow[] = lines.map((line, i) => {
    const cells = line.split(',').map((c) => c.trim());
    const num = (at: number, what: string, fallback: number | null): number | null => {
      const raw = at >= 0 ? cells[at] : undefined;
      if (raw === undefined || raw === '') return fallback;
      const value = Number(raw);
      if (!Number.isFinite(value) || value < 0) throw new Error(`${name} line ${i + 2}: ${what} '${raw}' is not a non-negative number`);
      return value;
    };
    return {
      t: num(0, 't_seconds', null) ?? NaN,
      recordsPerSecond: num(1, 'records_per_second', null) ?? NaN,
      bytesPerRecord: num(bytesAt, 'avg_record_bytes', DEFAULT_BYTES_PER_RECORD)!,
      trueRatePerParallelism: num(rateAt, 'true_records_per_second_per_parallelism', null),
    };
  });
  if (rows.length === 0) throw new Error(`${name}: no rows`);
  rows.forEach((row, i) => {
    if (Number.isNaN(row.t) || Number.isNaN(row.recordsPerSecond)) throw new Error(`${name} line ${i + 2}: t_seconds and records_per_second are required`);
    if (i === 0 && row.t !== 0) throw new Error(`${name}: t_seconds must start at 0`);
    if (i > 0 && row.t <= rows[i - 1]!.t) throw new Error(`${name} line ${i + 2}: t_seconds must increase`);
    if (row.bytesPerRecord <= 0) throw new Error(`${name} line ${i + 2}: avg_record_bytes must be positive`);
  });
  const last = rows[rows.length - 1]!;
  const step = rows.length > 1 ? last.t - rows[rows.length - 2]!.t : 60;
  return { name, rows, durationSeconds: last.t + step };
}

/** Per-second lookup (piecewise constant), built once per trace. */
export function rowAtSecond(trace: Trace): (second: number) => TraceRow {
  let i = 0;
  let lastSecond = -1;
  return (second) => {
    if (second < lastSecond) i = 0;
    lastSecond = second;
    while (i + 1 < trace.rows.length && trace.rows[i + 1]!.t <= second) i++;
    return trace.rows[i]!;
  };
}
