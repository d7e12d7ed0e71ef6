/**
 * adaptive's state: plain JSON, carried through continue-as-new (and handed from the
 * frozen v2 rules to these when a running pipeline first decides with them, so every
 * field added later is optional).
 */
import type { ScalingTarget } from '../../types.js';
import type { Point } from './signals.js';

export type AdaptiveState = {
  lastSampleTimestamp: number | null;
  points: Point[];
  /** Learned true rate per parallelism unit (records/s), null until first learned. */
  unitRate: number | null;
  /** Periods before this epoch second ran under an older capacity or an action. */
  settledAt: number;
  /** Restart downtime learned from the `downtime` metric (seconds), and the peak of the restart under way. */
  restartSeconds: number | null;
  restartPeakMs: number;
  /** Epoch seconds of the previous tick and the interval seen between ticks. */
  lastNow: number | null;
  interval: number | null;
  pending: { target: ScalingTarget; from: { shards: number; parallelism: number } } | null;
  holds: { shardsUp: number; shardsDown: number; flinkUp: number; flinkDown: number };
  /** Epoch seconds of Flink restarts this policy caused in the last hour (absent in state carried by older code). */
  restartTimes?: number[];
  /**
   * User records per Kinesis record the job read (KPL aggregation), from the latest period that had both
   * `numRecordsInPerSecond` and `GetRecords.Records`; absent (state carried from v3) or 1 on plain input.
   */
  aggregation?: number;
};

export function initialAdaptiveState(): AdaptiveState {
  return {
    lastSampleTimestamp: null,
    points: [],
    unitRate: null,
    settledAt: 0,
    lastNow: null,
    interval: null,
    restartSeconds: null,
    restartPeakMs: 0,
    pending: null,
    holds: { shardsUp: 0, shardsDown: 0, flinkUp: 0, flinkDown: 0 },
    restartTimes: [],
    aggregation: 1,
  };
}

/**
 * What one tick's planning wants, before AWS constraints and holds. `trough`: the stream's scale-in is sized for a
 * recurring peak (demand is expected back).
 */
export type Plan = { shards: number; parallelism: number; reasons: string[]; trough: boolean };

/** Seconds between ticks, from the last two observations (60 until known). */
export function intervalOf(state: AdaptiveState): number {
  return state.interval ?? 60;
}
