/**
 * The scaling activities: everything the control loop does to AWS. Built from the
 * clients they use, so tests pass the emulator's clients without module mocking.
 */
import type { AwsClients } from '../aws/clients.js';
import { activityAbortSignal, attemptTimeoutMs, previousHeartbeat } from '../aws/progress.js';
import { applyParallelism, applyShardCount, revertApplication } from './apply.js';
import { describeCapacity } from './describe.js';
import { periodsToRead, readSamples } from './metrics.js';
import { verifyHealth, waitSettled } from './settle.js';
import type {
  ApplyParallelismInput, ApplyResult, ApplyShardCountInput, CapacitySnapshot, ReadMetricsInput, ReadMetricsResult,
  RevertApplicationInput, ScalingResources, SettleInput, SettleResult, VerifyInput, VerifyResult,
} from './types.js';

export interface ScalingActivityDeps extends AwsClients {
  /** How often waits poll Describe*; 1 s keeps well inside AWS's describe rate limits. */
  pollIntervalMs?: number;
  /** CloudWatch's publication delay; verification allows for it (0 against the test emulator). */
  publicationDelaySeconds?: number;
}

export function createScalingActivities(deps: ScalingActivityDeps) {
  const settleDeps = { ...deps, pollIntervalMs: deps.pollIntervalMs ?? 1000, publicationDelaySeconds: deps.publicationDelaySeconds ?? 0 };
  return {
    /** One GetMetricData call for the complete periods not yet seen, plus the current capacity. */
    async readMetrics(input: ReadMetricsInput): Promise<ReadMetricsResult> {
      const range = periodsToRead(Date.now(), input.periodSeconds, input.afterTimestamp, input.maxPeriods);
      if (input.describeCapacity === false) return { samples: await readSamples(deps.cloudwatch, input, range) };
      const [samples, capacity] = await Promise.all([
        readSamples(deps.cloudwatch, input, range),
        describeCapacity(deps, input),
      ]);
      return { samples, capacity };
    },
    async describeCapacity(input: ScalingResources): Promise<CapacitySnapshot> {
      return describeCapacity(deps, input);
    },
    async applyShardCount(input: ApplyShardCountInput): Promise<ApplyResult> {
      // Hand over to the next attempt before Temporal times this one out (a reshard by hand can outlast one attempt).
      const timeoutMs = attemptTimeoutMs();
      const signal = activityAbortSignal();
      return applyShardCount(deps.kinesis, input, {
        pollIntervalMs: settleDeps.pollIntervalMs,
        previousHeartbeat: previousHeartbeat(),
        ...(timeoutMs === undefined ? {} : { deadlineEpochMs: Date.now() + timeoutMs * 0.8 }),
        ...(signal === undefined ? {} : { signal }),
      });
    },
    async applyParallelism(input: ApplyParallelismInput): Promise<ApplyResult> {
      return applyParallelism(deps.flink, input);
    },
    async revertApplication(input: RevertApplicationInput): Promise<ApplyResult> {
      return revertApplication(deps.flink, input);
    },
    async waitSettled(input: SettleInput): Promise<SettleResult> {
      return waitSettled(settleDeps, input);
    },
    async verifyHealth(input: VerifyInput): Promise<VerifyResult> {
      return verifyHealth(settleDeps, input);
    },
  };
}

export type ScalingActivities = ReturnType<typeof createScalingActivities>;
export type * from './types.js';
