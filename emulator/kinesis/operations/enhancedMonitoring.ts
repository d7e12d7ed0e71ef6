/**
 * EnableEnhancedMonitoring / DisableEnhancedMonitoring: switch shard-level metrics
 * (dimensions StreamName + ShardId) on or off; `ALL` stands for every one of them.
 */
import type { Operation } from '../../core/types.js';
import { validationError } from '../../core/validation.js';
import { SHARD_LEVEL_METRICS } from '../metrics.js';
import { STREAM_ARN, STREAM_NAME } from '../rules.js';
import type { StreamStore } from '../store.js';
import type { StreamRef } from '../streams.js';
import { findStream } from '../streams.js';

interface EnhancedMonitoringInput extends StreamRef {
  ShardLevelMetrics: string[];
}

const ALLOWED = [...SHARD_LEVEL_METRICS, 'ALL'] as const;

function expand(metrics: string[]): string[] {
  return metrics.includes('ALL') ? [...SHARD_LEVEL_METRICS] : metrics;
}

function enhancedMonitoring(store: StreamStore, enable: boolean): Operation<EnhancedMonitoringInput, unknown> {
  return {
    validation: {
      StreamName: STREAM_NAME,
      StreamARN: STREAM_ARN,
      ShardLevelMetrics: { type: 'array', required: true, minItems: 1, maxItems: 7 },
    },
    handle(input) {
      const problems = input.ShardLevelMetrics.flatMap((m, i) =>
        (ALLOWED as readonly string[]).includes(m)
          ? []
          : [`Value '${m}' at 'shardLevelMetrics.${i + 1}.member' failed to satisfy constraint: Member must satisfy enum value set: [${ALLOWED.join(', ')}]`],
      );
      if (problems.length > 0) throw validationError(problems);
      const stream = findStream(store, input);
      const current = [...stream.shardLevelMetrics];
      for (const m of expand(input.ShardLevelMetrics)) {
        if (enable) stream.shardLevelMetrics.add(m);
        else stream.shardLevelMetrics.delete(m);
      }
      return {
        StreamName: stream.name,
        StreamARN: stream.arn,
        CurrentShardLevelMetrics: current,
        DesiredShardLevelMetrics: [...stream.shardLevelMetrics],
      };
    },
  };
}

export const enableEnhancedMonitoring = (store: StreamStore) => enhancedMonitoring(store, true);
export const disableEnhancedMonitoring = (store: StreamStore) => enhancedMonitoring(store, false);
