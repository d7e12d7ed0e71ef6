/**
 * What Increase- and DecreaseStreamRetentionPeriod share: AWS's model only requires
 * RetentionPeriodHours ≥ 1, and the service itself enforces 24–8760 hours
 * (InvalidArgumentException, not ValidationException), then the direction of the change.
 */
import type { FieldRule } from '../core/types.js';
import { retentionNotDecreased, retentionNotIncreased, retentionOutOfBounds, streamNotActive } from './errors.js';
import type { StreamStore } from './store.js';
import type { StreamRef } from './streams.js';
import { findStream } from './streams.js';

export const MIN_RETENTION_HOURS = 24;
export const MAX_RETENTION_HOURS = 8760;

export const RETENTION_PERIOD_HOURS: FieldRule = { type: 'integer', required: true, min: 1 };

export interface RetentionPeriodInput extends StreamRef {
  RetentionPeriodHours: number;
}

export function changeRetention(store: StreamStore, input: RetentionPeriodInput, direction: 'increase' | 'decrease'): void {
  const stream = findStream(store, input);
  const hours = input.RetentionPeriodHours;
  if (hours < MIN_RETENTION_HOURS || hours > MAX_RETENTION_HOURS) {
    throw retentionOutOfBounds(hours, MIN_RETENTION_HOURS, MAX_RETENTION_HOURS);
  }
  if (stream.status !== 'ACTIVE') throw streamNotActive(stream.name, store.accountId, stream.status);
  if (direction === 'increase' && hours < stream.retentionHours) throw retentionNotIncreased(hours, stream.name, stream.retentionHours);
  if (direction === 'decrease' && hours > stream.retentionHours) throw retentionNotDecreased(hours, stream.name, stream.retentionHours);
  store.updateRetention(stream, hours);
}
