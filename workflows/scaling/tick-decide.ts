/**
 * A tick's deciding: which of the periods just read the policy may see (only those observed
 * while it was in charge: PATCHES.scalingEvidence), one decide() per new period in order, each
 * decision recorded, and an action started for the first one that scales (within the bounds).
 */
import { patched } from '@temporalio/workflow';
import type { CapacitySnapshot } from '../../activities/scaling/types.js';
import type { MetricsSample, Observation, ScalingPolicy } from '../../scaling/types.js';
import type { PipelineContext } from '../lifecycle/context.js';
import { ControllerError } from '../lifecycle/failures.js';
import { PATCHES } from '../lifecycle/patches.js';
import { boundsViolation, changingPart, type PolicyResolver } from './rules.js';
import { errorMessage, type ActionRequest } from './saga.js';
import { addRecord, autoscalingStatus, describeTarget, policyConfig, type ScalingState } from './state.js';

export interface DeciderHost {
  ctx: PipelineContext;
  state: ScalingState;
  resolvePolicy: PolicyResolver;
  /** The policy in charge, in the rules version this run decides with. */
  policy(): ScalingPolicy;
  nowSeconds(): number;
  /** An action runs or an override waits: the policy is not in charge. */
  isBusy(): boolean;
  /** Runs one action (its saga) to the end. */
  act(request: ActionRequest): Promise<void>;
}

export class TickDecider {
  constructor(private readonly host: DeciderHost) {}

  /** The policy's turn on this tick's `samples`, when it is in charge. */
  async decide(samples: MetricsSample[], capacity: CapacitySnapshot): Promise<void> {
    const { state, ctx } = this.host;
    // An override accepted while metrics were read goes first; the policy sees the next tick.
    const inCharge = !(state.settings.paused || ctx.status.phase !== 'RUNNING' || this.host.isBusy());
    if (!patched(PATCHES.scalingEvidence)) {
      if (!inCharge) return;
      await this.decideAndAct(samples, capacity);
      return;
    }
    const period = state.settings.periodSeconds;
    if (!inCharge) {
      // What was seen while the policy was not in charge is never fed to it later as fresh.
      state.evidenceFrom = (state.lastSampleTimestamp ?? Math.floor(this.host.nowSeconds() / period) * period) + period;
      return;
    }
    const fresh = samples.filter((s) => s.timestamp >= (state.evidenceFrom ?? -Infinity));
    // Every new period is evaluated, in order (like an alarm evaluating each period); an action ends
    // the batch: the periods after it in this batch were observed before the action finished.
    if (fresh.length === 0) {
      await this.decideAndAct([], capacity);
      return;
    }
    for (const sample of fresh) {
      if (await this.decideAndAct([sample], capacity)) {
        state.evidenceFrom = (Math.floor(this.host.nowSeconds() / period) + 1) * period;
        return;
      }
    }
  }

  /** One policy decision on `samples`; true when it started an action. */
  private async decideAndAct(samples: MetricsSample[], capacity: CapacitySnapshot): Promise<boolean> {
    const { state, ctx } = this.host;
    const observation: Observation = {
      now: this.host.nowSeconds(),
      samples,
      capacity: { shards: capacity.openShards, parallelism: capacity.currentParallelism, parallelismPerKpu: capacity.parallelismPerKpu },
      streamStatus: capacity.streamStatus,
      applicationStatus: capacity.applicationStatus,
      shardUpdateTimes: [...state.shardUpdateTimes],
    };
    const policy = this.host.policy();
    let decided;
    try {
      decided = policy.decide(state.policyState, observation, policyConfig(state.settings));
    } catch (err) {
      throw this.policyFailure(policy.name, err);
    }
    const { decision, nextState } = decided;
    state.policyState = nextState;
    ctx.status.autoscaling = autoscalingStatus(state.settings, this.host.resolvePolicy, state.policyState);
    const before = { shards: observation.capacity.shards, parallelism: observation.capacity.parallelism };
    const target = changingPart(decision.target, observation.capacity);
    const acts = decision.kind === 'scale' && (target.shards !== undefined || target.parallelism !== undefined);
    const after = acts ? { shards: target.shards ?? before.shards, parallelism: target.parallelism ?? before.parallelism } : null;
    addRecord(state, {
      at: ctx.nowIso(), kind: 'decision', source: 'policy', before, after, target: acts ? target : null,
      outcome: acts ? 'ok' : 'none', reasons: decision.reasons,
    });
    if (!acts) return false;
    const outOfBounds = boundsViolation(target, state.settings);
    if (outOfBounds !== null) {
      addRecord(state, {
        at: ctx.nowIso(), kind: 'rejected', source: 'system', before, after, target, outcome: 'failed',
        reasons: [`policy asked for ${describeTarget(target)}: ${outOfBounds}`],
      });
      return false;
    }
    await this.host.act({ source: 'policy', target, reasons: decision.reasons });
    return true;
  }

  /** The policy threw: the pipeline goes DEGRADED (pipeline.ts), saying what happened and what a person can do. */
  private policyFailure(name: string, err: unknown): ControllerError {
    const { state, ctx } = this.host;
    state.policyFailed = name;
    const id = ctx.spec.id;
    return new ControllerError(
      `policy ${name} threw while deciding: ${errorMessage(err)}`,
      `Its state may have been written by another shardpilot build, or the policy has a bug (report it with this text). ` +
      `Deploy a build that fixes it, or choose another policy (PUT /pipelines/${id}/autoscaling with {"policy": …}); then resume ` +
      `with PUT /pipelines/${id}/autoscaling and {"paused": false}: the policy starts again from its initial state (its cooldowns ` +
      'and what it learned start over; the 24 h UpdateShardCount window and the scaling history are kept) and the pipeline returns to RUNNING.',
    );
  }
}
