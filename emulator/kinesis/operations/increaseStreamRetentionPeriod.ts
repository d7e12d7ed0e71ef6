import type { Operation } from '../../core/types.js';
import { changeRetention, RETENTION_PERIOD_HOURS } from '../retention.js';
import type { RetentionPeriodInput } from '../retention.js';
import { STREAM_ARN, STREAM_NAME } from '../rules.js';
import type { StreamStore } from '../store.js';

export function increaseStreamRetentionPeriod(store: StreamStore): Operation<RetentionPeriodInput, Record<string, never>> {
  return {
    validation: {
      RetentionPeriodHours: RETENTION_PERIOD_HOURS,
      StreamName: STREAM_NAME,
      StreamARN: STREAM_ARN,
    },
    handle(input) {
      changeRetention(store, input, 'increase');
      return {};
    },
  };
}
