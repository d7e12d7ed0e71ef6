/**
 * Plain-JSON shapes that cross the boundary between the replay engine, its activities
 * and the replay child workflow (and so Temporal's history): keep them versionable.
 */
import type { SourcePosition } from '../../data/readers/lines.js';

export type { SourcePosition };

/** Event time ÷ wall time, or `max`: as fast as the stream accepts. */
export type Speedup = number | 'max';

/** The schedule: the event with time `eventMs` is due at wall time `wallMs`; later ones follow at `speedup`. */
export interface ScheduleAnchor {
  wallMs: number;
  eventMs: number;
}

/** What has been acknowledged by the stream; the position to resume from. */
export interface ReplayCheckpoint {
  /** Just after the last line whose event (or malformed report) is settled. */
  position: SourcePosition;
  eventsSent: number;
  malformedLines: number;
  /** Records the stream rejected with ProvisionedThroughputExceededException and that were sent again. */
  throttledRetries: number;
  /** Records that failed for another reason (e.g. InternalFailure) and were sent again. */
  failedRetries: number;
  /** Event time of the last acknowledged event. */
  lastEventMs: number | null;
  /** How far behind its schedule the last acknowledged event was, ms. */
  lagMs: number;
}

export const EMPTY_CHECKPOINT: ReplayCheckpoint = {
  position: { line: 0, byteOffset: 0 },
  eventsSent: 0,
  malformedLines: 0,
  throttledRetries: 0,
  failedRetries: 0,
  lastEventMs: null,
  lagMs: 0,
};

export interface MalformedLine {
  line: number;
  reason: string;
}
