/**
 * One scaling action as a saga: remember the capacity, apply the change in a safe
 * order, wait for it to settle, verify health, and on failure roll back to the
 * remembered capacity the same way. A failed rollback leaves the pipeline DEGRADED.
 */
import { isCancellation, patched } from '@temporalio/workflow';
import type { CapacitySnapshot, ScalingResources } from '../../activities/scaling/types.js';
import type { ScalingSpec } from '../../model/spec.js';
import type { ScalingRecord } from '../../model/status.js';
import type { ActionOutcome, ScalingPolicy, ScalingTarget } from '../../scaling/types.js';
import type { PipelineContext } from '../lifecycle/context.js';
import { PATCHES } from '../lifecycle/patches.js';
import type { ScalingCalls } from './activities.js';
import { quotaViolation, shardStepViolation } from './rules.js';
import {
  addRecord, describePair, describeTarget, policyConfig, quotaWindow, type CapacityPair, type CapacityTarget, type ScalingState,
} from './state.js';

export interface SagaHost {
  ctx: PipelineContext;
  state: ScalingState;
  calls: ScalingCalls;
  resources: ScalingResources;
  policy(): ScalingPolicy;
  nowSeconds(): number;
  /** Every fresh Describe* result goes here, so status and validators see the newest capacity. */
  observeCapacity(snapshot: CapacitySnapshot): void;
}

export interface ActionRequest {
  source: 'policy' | 'override';
  /** Only the fields that change (ParallelismPerKPU only from overrides). */
  target: CapacityTarget;
  reasons: string[];
}

type Step = 'shards' | 'parallelism';

const STUCK_APP_STATUSES: ReadonlySet<string> = new Set(['UPDATING', 'AUTOSCALING']);

interface MoveResult {
  /** What each step did (or found already done), in words. */
  applied: string[];
  /** Why applying or settling failed; verification did not run then. */
  applyFailure: string | null;
  /** Verification's findings; null when it did not run. */
  verification: { healthy: boolean; reasons: string[] } | null;
}

const succeeded = (m: MoveResult): boolean => m.applyFailure === null && m.verification?.healthy === true;
const problemsOf = (m: MoveResult): string[] => (m.applyFailure !== null ? [m.applyFailure] : (m.verification?.reasons ?? []));
const applyFailed = (applied: string[], why: string): MoveResult => ({ applied, applyFailure: why, verification: null });

/**
 * The longest one action can take: forward and rollback each settle up to three times (each
 * step, plus a wait for the stream before a Flink step) and verify once, plus a margin for the
 * quick calls between (describe/apply with their retries). Teardown waits this long for an
 * action to finish or roll back before it cancels it.
 */
export function longestActionSeconds(scaling: Pick<ScalingSpec, 'settleTimeoutSeconds' | 'verifyTimeoutSeconds'>): number {
  return 2 * (3 * scaling.settleTimeoutSeconds + scaling.verifyTimeoutSeconds) + 120;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error && cause.message ? cause.message : err.message;
  }
  return String(err);
}

/** Stream first on the way up (Flink needs the shards to read from), Flink first on the way down. */
export function stepOrder(from: CapacityPair, to: CapacityPair): Step[] {
  const shards = to.shards !== from.shards;
  // ParallelismPerKPU travels in the same UpdateApplication as the parallelism.
  const parallelism = to.parallelism !== from.parallelism ||
    (to.parallelismPerKpu !== undefined && from.parallelismPerKpu !== undefined && to.parallelismPerKpu !== from.parallelismPerKpu);
  if (shards && parallelism) return to.shards > from.shards ? ['shards', 'parallelism'] : ['parallelism', 'shards'];
  if (shards) return ['shards'];
  return parallelism ? ['parallelism'] : [];
}

export class ActionSaga {
  constructor(private readonly host: SagaHost) {}

  async run(request: ActionRequest): Promise<void> {
    const { ctx, state } = this.host;
    const who = request.source === 'override' ? 'Manual override' : `Policy ${state.settings.policy}`;
    ctx.status.activeAction = { source: request.source, target: request.target, startedAt: ctx.nowIso() };
    ctx.setPhase('SCALING', `${who}: scaling to ${describeTarget(request.target)}`);
    let degradedBecause: string | null = null;
    let cancelled = false;
    try {
      degradedBecause = await this.runSteps(request);
    } catch (err) {
      cancelled = isCancellation(err);
      throw err;
    } finally {
      ctx.status.activeAction = null;
      if (cancelled) {
        // Only teardown cancels an action (after its bound): the phase is teardown's to set next.
        this.record('action', request, null, null, 'failed', [
          ...request.reasons, 'cancelled by teardown before it finished: capacity is what AWS reports now',
        ]);
      } else if (degradedBecause !== null) ctx.setPhase('DEGRADED', degradedBecause);
      else ctx.setPhase('RUNNING', `${who}: scaling action finished`);
    }
  }

  /** Returns why the pipeline is degraded, or null when it is healthy again (applied or rolled back). */
  private async runSteps(request: ActionRequest): Promise<string | null> {
    const { calls, resources } = this.host;
    let start: CapacitySnapshot;
    try {
      start = await calls.describeCapacity(resources, 'before scaling');
    } catch (err) {
      if (isCancellation(err)) throw err;
      this.record('action', request, null, null, 'failed', [`could not read the current capacity: ${errorMessage(err)}`]);
      this.outcome(request.target, 'failed');
      return null;
    }
    this.host.observeCapacity(start);
    // ParallelismPerKPU is remembered (and restored) only by actions that change it.
    const perKpu = request.target.parallelismPerKpu;
    const remembered: CapacityPair = {
      shards: start.openShards, parallelism: start.currentParallelism,
      ...(perKpu === undefined ? {} : { parallelismPerKpu: start.parallelismPerKpu }),
    };
    const desired: CapacityPair = {
      shards: request.target.shards ?? remembered.shards,
      parallelism: request.target.parallelism ?? remembered.parallelism,
      ...(perKpu === undefined ? {} : { parallelismPerKpu: perKpu }),
    };
    const refused = this.precondition(remembered, desired);
    if (refused !== null) {
      this.record('rejected', request, remembered, desired, 'failed', [...request.reasons, refused]);
      this.outcome(request.target, 'failed');
      return null;
    }

    const forward = await this.move(remembered, desired, start);
    const { applied, applyFailure } = forward;
    this.record('action', request, remembered, desired, applyFailure === null ? 'ok' : 'failed', [...applied, ...(applyFailure === null ? [] : [applyFailure])]);
    if (forward.verification !== null) {
      this.record('verification', request, remembered, desired, forward.verification.healthy ? 'ok' : 'failed', forward.verification.reasons);
    }
    if (succeeded(forward)) {
      this.outcome(request.target, 'applied');
      return null;
    }

    const failure = `scaling to ${describePair(desired)} failed: ${problemsOf(forward).join('; ')}`;
    this.host.ctx.setPhase('ROLLING_BACK', `${failure}; restoring ${describePair(remembered)}`);
    const back = await this.rollBack(remembered);
    const backOk = succeeded(back);
    this.record('rollback', request, desired, remembered, backOk ? 'ok' : 'failed', [
      failure, ...back.applied, ...(backOk ? (back.verification?.reasons ?? []) : problemsOf(back)),
    ]);
    if (backOk) {
      this.outcome(request.target, 'rolled-back');
      return null;
    }
    this.outcome(request.target, 'failed');
    return this.degrade(remembered, problemsOf(back));
  }

  private precondition(from: CapacityPair, to: CapacityPair): string | null {
    if (to.shards === from.shards) return null;
    const { state } = this.host;
    state.shardUpdateTimes = quotaWindow(state.shardUpdateTimes, this.host.nowSeconds());
    const step = shardStepViolation(from.shards, to.shards);
    if (step !== null) return step;
    const quota = quotaViolation(state.shardUpdateTimes);
    // Past the quota the shard-count activity reshards with SplitShard/MergeShards (no daily quota), so an
    // override or a rollback still goes through; patched() only here, where the two behaviours differ.
    if (quota === null || patched(PATCHES.reshardPastQuota)) return null;
    return quota;
  }

  private async rollBack(remembered: CapacityPair): Promise<MoveResult> {
    let now: CapacitySnapshot;
    try {
      now = await this.host.calls.describeCapacity(this.host.resources, 'before rolling back');
    } catch (err) {
      if (isCancellation(err)) throw err;
      return applyFailed([], `could not read the capacity to roll back: ${errorMessage(err)}`);
    }
    this.host.observeCapacity(now);
    // The configured parallelism is what a half-done update left behind; roll back from it.
    const current: CapacityPair = {
      shards: now.openShards, parallelism: now.parallelism,
      ...(remembered.parallelismPerKpu === undefined ? {} : { parallelismPerKpu: now.parallelismPerKpu }),
    };
    const refused = this.precondition(current, remembered);
    if (refused !== null) return applyFailed([], `cannot restore ${remembered.shards} shards: ${refused}`);
    return this.move(current, remembered, now, { revertStuckApplication: true });
  }

  /** Applies `to` step by step, waiting for each to settle, then verifies health. */
  private async move(
    from: CapacityPair, to: CapacityPair, start: CapacitySnapshot, options: { revertStuckApplication?: boolean } = {},
  ): Promise<MoveResult> {
    const { ctx, calls, resources, state } = this.host;
    const scaling = ctx.spec.scaling;
    const startedMs = Date.parse(ctx.nowIso());
    const applied: string[] = [];
    let latest = start;
    const settle = async (): Promise<string | null> => {
      const result = await calls.waitSettled({ ...resources, deadlineEpochMs: Date.parse(ctx.nowIso()) + scaling.settleTimeoutSeconds * 1000 });
      latest = result.capacity;
      this.host.observeCapacity(latest);
      return result.settled ? null : result.message;
    };
    try {
      for (const step of stepOrder(from, to)) {
        // AWS allows no Flink update while the stream reshards; wait for it first.
        if (step === 'parallelism' && latest.streamStatus !== 'ACTIVE') {
          const unsettled = await settle();
          if (unsettled !== null) return applyFailed(applied, unsettled);
        }
        // An update that never finished cannot be overwritten; AWS's RollbackApplication is the way out.
        const stuck = step === 'parallelism' && options.revertStuckApplication === true && STUCK_APP_STATUSES.has(latest.applicationStatus);
        const change = step === 'shards'
          ? await calls.applyShardCount({ streamName: resources.streamName, targetShards: to.shards })
          : stuck
          ? await calls.revertApplication({ applicationName: resources.applicationName, expectedVersionId: latest.applicationVersionId })
          : await calls.applyParallelism({
            applicationName: resources.applicationName, targetParallelism: to.parallelism, expectedVersionId: latest.applicationVersionId,
            ...(to.parallelismPerKpu !== undefined && to.parallelismPerKpu !== latest.parallelismPerKpu
              ? { targetParallelismPerKpu: to.parallelismPerKpu } : {}),
          });
        if (step === 'shards') {
          // Counted even when this attempt found the change already made: an earlier attempt's call used the quota.
          state.shardUpdateTimes.push(this.host.nowSeconds());
          ctx.status.shardUpdatesLast24h = state.shardUpdateTimes.length;
        }
        applied.push(change.message);
        const unsettled = await settle();
        if (unsettled !== null) return applyFailed(applied, unsettled);
      }
      const verified = await calls.verifyHealth({
        ...resources,
        shards: to.shards,
        parallelism: to.parallelism,
        periodSeconds: state.settings.periodSeconds,
        actionStartedEpochMs: startedMs,
        deadlineEpochMs: Date.parse(ctx.nowIso()) + scaling.verifyTimeoutSeconds * 1000,
      });
      this.host.observeCapacity(verified.capacity);
      return { applied, applyFailure: null, verification: { healthy: verified.healthy, reasons: verified.reasons } };
    } catch (err) {
      if (isCancellation(err)) throw err;
      return applyFailed(applied, errorMessage(err));
    }
  }

  private degrade(remembered: CapacityPair, reasons: string[]): string {
    const { ctx, state, resources } = this.host;
    const why = `Rollback to ${describePair(remembered)} failed: ${reasons.join('; ')}`;
    state.settings.paused = true;
    state.attention = `${why}. Autoscaling is stopped. Check stream ${resources.streamName} and application ` +
      `${resources.applicationName} (AWS console or CLI), restore ${describePair(remembered)} by hand, then resume ` +
      `autoscaling (PUT /pipelines/${ctx.spec.id}/autoscaling with {"paused": false}).`;
    ctx.status.attention = state.attention;
    ctx.status.autoscaling = { ...state.settings };
    ctx.status.lastError = { at: ctx.nowIso(), step: 'scaling rollback', message: why };
    return why;
  }

  private outcome(target: ScalingTarget, result: ActionOutcome['result']): void {
    const { state } = this.host;
    state.policyState = this.host.policy().onActionOutcome(
      state.policyState, { at: this.host.nowSeconds(), target, result }, policyConfig(state.settings),
    );
  }

  private record(
    kind: ScalingRecord['kind'], request: ActionRequest, before: CapacityPair | null, after: CapacityPair | null,
    outcome: ScalingRecord['outcome'], reasons: string[],
  ): void {
    const { ctx, state } = this.host;
    addRecord(state, { at: ctx.nowIso(), kind, source: request.source, before, after, target: request.target, outcome, reasons });
    ctx.record({ kind: 'scaling', message: `${kind} ${outcome}: ${reasons.join('; ')}`, data: { target: request.target } });
  }
}
