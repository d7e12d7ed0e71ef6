/**
 * The control loop: every `intervalSeconds` read the metrics (one activity), let the
 * pure policy decide, record the decision, and run at most one action at a time.
 * Accepted overrides wake the loop at once.
 */
import { condition, isCancellation } from '@temporalio/workflow';
import type { CapacitySnapshot, ScalingResources } from '../../activities/scaling/types.js';
import { kpusFor } from '../../model/spec.js';
import type { Observation, ScalingPolicy } from '../../scaling/types.js';
import type { PipelineContext, PipelineExtension } from '../extension.js';
import type { ScalingCalls } from './activities.js';
import { boundsViolation, changingPart, type PolicyResolver } from './rules.js';
import { ActionSaga, errorMessage } from './saga.js';
import {
  addRecord, appendBounded, describeTarget, policyConfig, quotaWindow, WINDOW_LIMIT, type ScalingState,
} from './state.js';

function missingPolicy(name: string): ScalingPolicy {
  return {
    name,
    description: 'not available in this build',
    defaultParameters: {},
    validateParameters: () => [],
    initialState: () => ({}),
    decide: (state) => ({ decision: { kind: 'none', target: {}, reasons: [`policy ${name} is not available in this build; keeping capacity`] }, nextState: state }),
    onActionOutcome: (state) => state,
  };
}

export class ScalingLoop implements PipelineExtension {
  private stopped = false;
  /** Set by settings changes so a new interval takes effect now, not after the old one. */
  private wake = false;
  private actionInFlight = false;
  private readonly saga: ActionSaga;
  readonly resources: ScalingResources;

  constructor(
    private readonly ctx: PipelineContext,
    readonly state: ScalingState,
    private readonly calls: ScalingCalls,
    private readonly resolvePolicy: PolicyResolver,
  ) {
    this.resources = { streamName: ctx.spec.stream.name, applicationName: ctx.spec.application.name };
    this.saga = new ActionSaga({
      ctx, state, calls, resources: this.resources,
      policy: () => this.policy(),
      nowSeconds: () => this.nowSeconds(),
      observeCapacity: (c) => this.observeCapacity(c),
    });
  }

  /** The current policy; a name this build does not know acts as "keep capacity". */
  policy(): ScalingPolicy {
    return this.resolvePolicy(this.state.settings.policy) ?? missingPolicy(this.state.settings.policy);
  }

  nowSeconds(): number {
    return Math.floor(Date.parse(this.ctx.nowIso()) / 1000);
  }

  isBusy(): boolean {
    return this.actionInFlight || this.state.pendingOverride !== null;
  }

  wakeUp(): void {
    this.wake = true;
  }

  private shouldReturn(): boolean {
    return this.stopped || this.ctx.teardownRequested() || this.ctx.continueAsNewSuggested();
  }

  async run(): Promise<void> {
    if (this.state.lastSampleTimestamp === null) {
      // Periods before the loop started say nothing about this pipeline (it may not have existed):
      // the policy's first sample is the first full period after now.
      const period = this.state.settings.periodSeconds;
      this.state.lastSampleTimestamp = Math.floor(this.nowSeconds() / period) * period;
    }
    // At least one step per run, so a run that starts with continue-as-new already suggested still makes progress.
    do {
      if (this.state.pendingOverride !== null) {
        await this.runOverride();
        continue;
      }
      await this.tick();
      if (this.shouldReturn()) break;
      this.wake = false;
      await condition(
        () => this.shouldReturn() || this.state.pendingOverride !== null || this.wake,
        this.state.settings.intervalSeconds * 1000,
      );
    } while (!this.shouldReturn());
  }

  snapshot(): unknown {
    return JSON.parse(JSON.stringify(this.state)) as unknown;
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  observeCapacity(c: CapacitySnapshot): void {
    this.state.capacity = { shards: c.openShards, parallelism: c.currentParallelism, parallelismPerKpu: c.parallelismPerKpu };
    this.state.applicationVersionId = c.applicationVersionId;
    this.ctx.status.capacity = {
      shards: c.openShards,
      parallelism: c.currentParallelism,
      parallelismPerKpu: c.parallelismPerKpu,
      kpus: kpusFor(c.currentParallelism, c.parallelismPerKpu),
    };
    this.ctx.status.resources.applicationVersionId = c.applicationVersionId;
  }

  private async runOverride(): Promise<void> {
    const pending = this.state.pendingOverride;
    if (pending === null) return;
    this.actionInFlight = true;
    try {
      this.state.pendingOverride = null;
      const reasons = [pending.reason ?? 'manual override'];
      await this.saga.run({ source: 'override', target: pending.target, reasons });
    } finally {
      this.actionInFlight = false;
    }
  }

  private async tick(): Promise<void> {
    const { state, ctx } = this;
    let observed;
    try {
      observed = await this.readMetrics();
    } catch (err) {
      if (isCancellation(err)) throw err;
      ctx.status.lastError = { at: ctx.nowIso(), step: 'read metrics', message: errorMessage(err) };
      ctx.record({ kind: 'scaling', message: `metrics could not be read: ${errorMessage(err)}` });
      return;
    }
    const { samples, capacity } = observed;
    this.observeCapacity(capacity);
    if (samples.length > 0) {
      state.window = appendBounded(state.window, samples, WINDOW_LIMIT);
      state.lastSampleTimestamp = samples[samples.length - 1]?.timestamp ?? state.lastSampleTimestamp;
    }
    state.shardUpdateTimes = quotaWindow(state.shardUpdateTimes, this.nowSeconds());
    ctx.status.shardUpdatesLast24h = state.shardUpdateTimes.length;
    // An override accepted while metrics were read goes first; the policy sees the next tick.
    if (state.settings.paused || ctx.status.phase !== 'RUNNING' || this.isBusy()) return;

    const observation: Observation = {
      now: this.nowSeconds(),
      samples,
      capacity: { shards: capacity.openShards, parallelism: capacity.currentParallelism, parallelismPerKpu: capacity.parallelismPerKpu },
      streamStatus: capacity.streamStatus,
      applicationStatus: capacity.applicationStatus,
      shardUpdateTimes: [...state.shardUpdateTimes],
    };
    const policy = this.policy();
    const { decision, nextState } = policy.decide(state.policyState, observation, policyConfig(state.settings));
    state.policyState = nextState;
    const before = { shards: observation.capacity.shards, parallelism: observation.capacity.parallelism };
    const target = changingPart(decision.target, observation.capacity);
    const acts = decision.kind === 'scale' && (target.shards !== undefined || target.parallelism !== undefined);
    const after = acts ? { shards: target.shards ?? before.shards, parallelism: target.parallelism ?? before.parallelism } : null;
    addRecord(state, {
      at: ctx.nowIso(), kind: 'decision', source: 'policy', before, after, target: acts ? target : null,
      outcome: acts ? 'ok' : 'none', reasons: decision.reasons,
    });
    if (!acts) return;
    const outOfBounds = boundsViolation(target, state.settings);
    if (outOfBounds !== null) {
      addRecord(state, {
        at: ctx.nowIso(), kind: 'rejected', source: 'system', before, after, target, outcome: 'failed',
        reasons: [`policy asked for ${describeTarget(target)}: ${outOfBounds}`],
      });
      return;
    }
    this.actionInFlight = true;
    try {
      await this.saga.run({ source: 'policy', target, reasons: decision.reasons });
    } finally {
      this.actionInFlight = false;
    }
  }

  private async readMetrics() {
    const { state } = this;
    return this.calls.readMetrics({
      ...this.resources, periodSeconds: state.settings.periodSeconds, afterTimestamp: state.lastSampleTimestamp, maxPeriods: WINDOW_LIMIT,
    });
  }
}
