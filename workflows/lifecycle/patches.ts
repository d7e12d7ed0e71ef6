/**
 * Ids of `patched()` calls: each gates a change of the pipeline workflow's command
 * sequence, so runs recorded by earlier code replay unchanged (docs/upgrades.md). Never
 * rename or reuse one; remove one only after no open run can lack its marker.
 */
export const PATCHES = {
  /** Workflow cancellation (Temporal UI / client) means an orderly teardown; the body runs non-cancellable. */
  cancelIsTeardown: 'lifecycle-cancel-is-teardown',
  /** Teardown waits as long as the longest scaling action, then cancels it, instead of a fixed 5 minutes. */
  stopBound: 'lifecycle-stop-bound',
  /** A controller that failed (DEGRADED) runs again once a person resumes autoscaling. */
  degradedRecovers: 'lifecycle-degraded-recovers',
  /** Provisioning creates the pipeline's CloudWatch dashboard (a saga step); teardown deletes it. */
  cloudwatchDashboard: 'cloudwatch-dashboard',
  /** A replay child inherited through continue-as-new is probed until it closes, so its end is seen even without a final report. */
  replayCloseProbe: 'lifecycle-replay-close-probe',
  /** The policy sees only periods observed while it was in charge, one decide() per new period, in order. */
  scalingEvidence: 'lifecycle-scaling-evidence',
  /**
   * `adaptive` decides with its issue-16 rules (hysteresis, restart budget, cliff path).
   * Runs recorded before decided with the frozen v1 rules, and replay with them.
   */
  adaptiveV2: 'scaling-adaptive-v2',
  /**
   * `adaptive` decides with its second issue-16 round of rules (scaling/policies/adaptive.ts).
   * Runs recorded with the v2 marker only decide with the frozen v2 rules (scaling/policies/v2), and replay with them.
   */
  adaptiveV3: 'scaling-adaptive-v3',
  /**
   * `adaptive` sizes Flink on user records under KPL aggregation (GetRecords.Records against numRecordsInPerSecond);
   * shards stay on Kinesis records and bytes. Runs recorded with the v3 marker only decide with the frozen v3 rules
   * (scaling/policies/v3), and replay with them.
   */
  adaptiveV4: 'scaling-adaptive-v4',
  /**
   * `adaptive` reads a recurring pattern's trough only when demand stayed that low for `troughSeconds` (noise-aware
   * troughs). Runs recorded with the v4 marker only decide with the frozen v4 rules (scaling/policies/v4), and replay with them.
   */
  adaptiveV5: 'scaling-adaptive-v5',
  /**
   * `adaptive` keeps the UpdateShardCount calls a surge would need (not a fixed three) when it shrinks the stream, and
   * prices a slow Flink scale-in's restart with the drain after it. Runs recorded with the v5 marker only decide with
   * the frozen v5 rules (scaling/policies/v5), and replay with them.
   */
  adaptiveV6: 'scaling-adaptive-v6',
  /**
   * `article-step` never counts a missing period as low nor joins periods across a gap, and decides
   * only on new periods. Runs recorded before decided with the frozen v1 rules, and replay with them.
   */
  articleStepGaps: 'scaling-article-step-gaps',
  /** A policy whose decide() threw starts again from its initial state when a person resumes autoscaling. */
  policyErrorRestarts: 'scaling-policy-error-restarts',
  /**
   * A policy switch keeps the per-unit rate in force, and a changed per-unit rate becomes the
   * prior the policy's learning starts from (adaptive's learned rate no longer overrides a calibration).
   */
  calibratedRatePrior: 'scaling-calibrated-rate-prior',
  /**
   * `article-step` also applies the 80 % write rule to IncomingBytes (1 MB/s per shard) and sizes Flink on user
   * records (KPL aggregation). Runs recorded before decided on IncomingRecords only, and replay with those rules.
   */
  articleStepBytes: 'scaling-article-step-bytes',
  /**
   * A control-loop tick reads its metrics in a local activity (one workflow task per tick instead of two plus
   * an activity task), and describes the stream and application only when its last snapshot is older than
   * CAPACITY_REFRESH_SECONDS or showed them changing. Runs recorded before read with a regular activity every tick.
   */
  tickLocalActivity: 'scaling-tick-local-activity',
  /**
   * Supersedes tickLocalActivity (runs that carry its marker keep it): a tick calls readMetrics — a regular
   * activity again, so AWS's latency never lengthens a workflow task — only when CloudWatch may have a new
   * complete period or the capacity snapshot is due (CAPACITY_REFRESH_SECONDS); otherwise the tick is one
   * workflow task and no call. Ticks keep the per-pipeline slot grid.
   */
  tickReadsWhenDue: 'scaling-tick-reads-when-due',
  /** The tick after a scaling action describes the capacity again instead of reusing the action's last snapshot. */
  describeAfterAction: 'scaling-describe-after-action',
  /** The status is published in the memo on every change (lifecycle/publish.ts), so the API reads it without a query. */
  publishStatus: 'lifecycle-publish-status',
  /**
   * An override or a rollback that needs a reshard after this workflow counted 10 UpdateShardCount calls in 24 h is
   * no longer refused: the shard-count activity reaches the count with SplitShard/MergeShards when AWS refuses
   * UpdateShardCount for its quota. Runs recorded before refused it ("the UpdateShardCount quota is used up"), and replay so.
   */
  reshardPastQuota: 'scaling-reshard-past-quota',
} as const;
