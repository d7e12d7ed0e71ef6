/**
 * The scaling activities as the workflow calls them: quick AWS calls retried briefly
 * (activities/aws/errors.ts marks what no retry can fix), and the bounded waits that
 * heartbeat, so a lost worker is noticed in seconds. Each call carries a one-line
 * summary, so the Temporal UI tells the story of an action.
 */
import {
  ActivityCancellationType, proxyActivities, proxyLocalActivities, type ActivityInterfaceFor, type ActivityOptions,
  type LocalActivityInterfaceFor, type LocalActivityOptions,
} from '@temporalio/workflow';
import type { ScalingActivities } from '../../activities/scaling/index.js';
import type {
  ApplyParallelismInput, ApplyResult, ApplyShardCountInput, CapacitySnapshot, ReadMetricsInput, ReadMetricsResult,
  RevertApplicationInput, ScalingResources, SettleInput, SettleResult, VerifyInput, VerifyResult,
} from '../../activities/scaling/types.js';
import type { ScalingSpec } from '../../model/spec.js';
import { roleBound } from '../aws-role.js';

export class ScalingCalls {
  private readonly fast: ActivityInterfaceFor<ScalingActivities>;
  private readonly wait: ActivityInterfaceFor<ScalingActivities>;
  private readonly local: LocalActivityInterfaceFor<ScalingActivities>;
  private readonly fastOptions: ActivityOptions;
  private readonly waitOptions: ActivityOptions;
  private readonly localOptions: LocalActivityOptions;

  constructor(scaling: ScalingSpec) {
    // A cancelled action (teardown, after its bound) waits for a call already sent to AWS to
    // answer, so teardown never overlaps a capacity change still in flight. Not part of the
    // scheduled command (histories are unaffected).
    const cancellationType = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;
    this.fastOptions = {
      cancellationType,
      startToCloseTimeout: '30s',
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 5 },
    };
    // The deadline travels inside the input, so retries cannot stretch a wait past its bound.
    const longest = Math.max(scaling.settleTimeoutSeconds, scaling.verifyTimeoutSeconds);
    this.waitOptions = {
      cancellationType,
      startToCloseTimeout: `${longest + 60}s`,
      heartbeatTimeout: '10s',
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 20 },
    };
    // Only for runs that carry PATCHES.tickLocalActivity (tickReadsWhenDue superseded it: AWS's latency then
    // lengthened every workflow task). The tick's read as a local activity: it runs inside the workflow task
    // that the timer woke, so a tick is one workflow task and one marker instead of two tasks and an
    // activity task (about half the history events and server writes per tick with hundreds of pipelines).
    // Its attempts are short: throttling is retried by the SDK inside an attempt, and a tick whose read
    // fails is just a tick without data (the next one reads the periods it missed).
    this.localOptions = {
      startToCloseTimeout: '10s',
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 3 },
    };
    // The pipeline's IAM role (if any) travels with every call (workflows/aws-role.ts).
    this.fast = roleBound(proxyActivities<ScalingActivities>(this.fastOptions));
    this.wait = roleBound(proxyActivities<ScalingActivities>(this.waitOptions));
    this.local = roleBound(proxyLocalActivities<ScalingActivities>(this.localOptions));
  }

  /** The tick's read inside the workflow task (a local activity); see the constructor. */
  readMetricsLocally(input: ReadMetricsInput): Promise<ReadMetricsResult> {
    return this.local.readMetrics.executeWithOptions(
      { ...this.localOptions, summary: `Read ${input.periodSeconds}s metrics of ${input.streamName}${input.describeCapacity === false ? '' : ' and capacity'}` },
      [input],
    );
  }

  readMetrics(input: ReadMetricsInput): Promise<ReadMetricsResult> {
    return this.fast.readMetrics.executeWithOptions(
      { ...this.fastOptions, summary: `Read ${input.periodSeconds}s metrics of ${input.streamName} and ${input.applicationName}` },
      [input],
    );
  }

  describeCapacity(resources: ScalingResources, why: string): Promise<CapacitySnapshot> {
    return this.fast.describeCapacity.executeWithOptions({ ...this.fastOptions, summary: `Read capacity ${why}` }, [resources]);
  }

  applyShardCount(input: ApplyShardCountInput): Promise<ApplyResult> {
    return this.fast.applyShardCount.executeWithOptions(
      { ...this.fastOptions, summary: `Reshard ${input.streamName} to ${input.targetShards} shards` },
      [input],
    );
  }

  applyParallelism(input: ApplyParallelismInput): Promise<ApplyResult> {
    return this.fast.applyParallelism.executeWithOptions(
      {
        ...this.fastOptions,
        summary: `Set ${input.applicationName} parallelism to ${input.targetParallelism}` +
          (input.targetParallelismPerKpu === undefined ? '' : `, ParallelismPerKPU to ${input.targetParallelismPerKpu}`),
      },
      [input],
    );
  }

  revertApplication(input: RevertApplicationInput): Promise<ApplyResult> {
    return this.fast.revertApplication.executeWithOptions(
      { ...this.fastOptions, summary: `Roll back ${input.applicationName} to its previous version` },
      [input],
    );
  }

  waitSettled(input: SettleInput): Promise<SettleResult> {
    return this.wait.waitSettled.executeWithOptions(
      { ...this.waitOptions, summary: `Wait for ${input.streamName} and ${input.applicationName} to settle` },
      [input],
    );
  }

  verifyHealth(input: VerifyInput): Promise<VerifyResult> {
    return this.wait.verifyHealth.executeWithOptions(
      { ...this.waitOptions, summary: `Verify ${input.shards} shards / parallelism ${input.parallelism} is healthy` },
      [input],
    );
  }
}
