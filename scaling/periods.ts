/**
 * Which CloudWatch periods a metrics read asks for: pure, so the control loop (workflow
 * code) can tell whether a tick has a new period to read before it calls anything.
 */

export interface PeriodRange {
  /** Epoch seconds, inclusive, a multiple of the period. */
  start: number;
  /** Epoch seconds, exclusive, a multiple of the period. */
  end: number;
  periodSeconds: number;
}

/**
 * The complete periods to read: CloudWatch needs a moment to aggregate, so the period
 * that is still open and the one just closed are left for the next read.
 */
export function periodsToRead(nowEpochMs: number, periodSeconds: number, afterTimestamp: number | null, maxPeriods: number): PeriodRange {
  const nowSeconds = Math.floor(nowEpochMs / 1000);
  const end = Math.floor(nowSeconds / periodSeconds) * periodSeconds - periodSeconds;
  const earliest = end - maxPeriods * periodSeconds;
  const start = afterTimestamp === null ? earliest : Math.max(earliest, afterTimestamp + periodSeconds);
  return { start, end: Math.max(start, end), periodSeconds };
}
