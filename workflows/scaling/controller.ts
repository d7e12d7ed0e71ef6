/**
 * The scaling controller of the pipeline workflow: the control loop. Every
 * `intervalSeconds` it reads the metrics (one activity), lets the pure policy decide,
 * records the decision, and runs at most one action at a time (saga.ts). Its updates and
 * queries (overrides, settings, metrics, history) are registered by handlers.ts; accepted
 * overrides and settings changes wake the loop at once. It owns the scaling parts of the
 * status and the `scaling` slice of the carried state (state.ts).
 *
 * Modes: waiting (between ticks) → observing (reading metrics, deciding) → acting (an
 * action's saga runs) → waiting …; stopped once teardown asked it to; held (does nothing
 * until a person resumes autoscaling) when its carried slice could not be read.
 */
import { CancellationScope, condition, isCancellation, patched } from '@temporalio/workflow';
import { ControllerError } from '../lifecycle/failures.js';
import { PATCHES } from '../lifecycle/patches.js';
import type { CapacitySnapshot, ScalingResources } from '../../activities/scaling/types.js';
import { kpusFor } from '../../model/spec.js';
import { getPolicy } from '../../scaling/index.js';
import { periodsToRead } from '../../scaling/periods.js';
import { adaptiveV1Policy } from '../../scaling/policies/v1/adaptive.js';
import { adaptiveV2Policy } from '../../scaling/policies/v2/adaptive.js';
import { adaptiveV3Policy } from '../../scaling/policies/v3/adaptive.js';
import { adaptiveV4Policy } from '../../scaling/policies/v4/adaptive.js';
import { articleStepV1Policy } from '../../scaling/policies/v1/article-step.js';
import { articleStepGapsPolicy } from '../../scaling/policies/article-step.js';
import type { MetricsSample, Observation, ScalingPolicy } from '../../scaling/types.js';
import type { ScalingSpec } from '../../model/spec.js';
import type { PipelineContext } from '../lifecycle/context.js';
import { ScalingCalls } from './activities.js';
import { registerScalingHandlers } from './handlers.js';
import { boundsViolation, changingPart, type PolicyResolver } from './rules.js';
import { ActionSaga, errorMessage, type ActionRequest } from './saga.js';
import {
  addRecord, appendBounded, autoscalingStatus, describeTarget, initialState, policyConfig, quotaWindow, WINDOW_LIMIT, type ScalingState,
} from './state.js';

type Mode = 'held' | 'waiting' | 'observing' | 'acting' | 'stopped';

/**
 * How old the last Describe* snapshot may be before a tick describes again (PATCHES.tickReadsWhenDue, and
 * tickLocalActivity before it).
 * Describing every tick would take 200 pipelines at 10 s ticks to 20 DescribeStreamSummary and 20
 * DescribeApplication calls a second — both APIs' whole account rate. An action always describes
 * before it changes anything, so a policy deciding on a snapshot this old cannot apply a stale step.
 */
export const CAPACITY_REFRESH_SECONDS = 60;

/** FNV-1a of the pipeline id: a stable, well-spread number per pipeline. */
function idHash(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/**
 * How long until this pipeline's next tick slot: every pipeline ticks on its own fixed grid,
 * `intervalSeconds` apart and offset by a phase derived from its id. Pipelines created together
 * (200 at once) would otherwise tick together for ever — bursts of workflow tasks and of
 * AWS calls every interval instead of an even stream — and a tick's own duration no longer
 * pushes every later tick back (no drift). A slot closer than a second (half an interval for
 * shorter ones) is skipped, so a late tick is not followed at once by the next.
 */
export function untilNextTickMs(nowMs: number, intervalSeconds: number, pipelineId: string): number {
  const intervalMs = intervalSeconds * 1000;
  const phaseMs = idHash(pipelineId) % intervalMs;
  const untilSlot = intervalMs - ((((nowMs - phaseMs) % intervalMs) + intervalMs) % intervalMs);
  return untilSlot < Math.min(1000, intervalMs / 2) ? untilSlot + intervalMs : untilSlot;
}

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

/**
 * The longest one action can take: forward and rollback each settle up to three times (each
 * step, plus a wait for the stream before a Flink step) and verify once, plus a margin for the
 * quick calls between (describe/apply with their retries). Teardown waits this long for an
 * action to finish or roll back before it cancels it.
 */
export function longestActionSeconds(scaling: Pick<ScalingSpec, 'settleTimeoutSeconds' | 'verifyTimeoutSeconds'>): number {
  return 2 * (3 * scaling.settleTimeoutSeconds + scaling.verifyTimeoutSeconds) + 120;
}

/** A registry may throw for a name it does not know; here that is just "not available". */
function lenient(registry: PolicyResolver): PolicyResolver {
  return (name) => {
    try {
      return registry(name);
    } catch {
      return undefined;
    }
  };
}

export class ScalingController {
  private mode: Mode = 'waiting';
  /** The running action's scope: teardown cancels it once the action outlives its bound. */
  private actionScope: CancellationScope | null = null;
  /** Set by settings changes so a new interval takes effect now, not after the old one. */
  private wake = false;
  /** The last tick ran under PATCHES.tickReadsWhenDue (or tickLocalActivity): its wait then aims at the pipeline's tick slot. */
  private localTicks = false;
  /** The newest Describe* result of this run and when it was read (epoch seconds); ticks reuse it while recent. */
  private described: { snapshot: CapacitySnapshot; atSeconds: number } | null = null;
  private readonly saga: ActionSaga;
  private readonly calls: ScalingCalls;
  readonly resources: ScalingResources;
  readonly state: ScalingState;
  readonly resolvePolicy: PolicyResolver;

  /**
   * `carried` is this controller's slice from the previous run (already migrated); absent on the first run.
   * `registry` resolves policy names (the real registry in production; test hosts may add their own).
   */
  constructor(readonly ctx: PipelineContext, carried: ScalingState | undefined, registry: PolicyResolver = getPolicy) {
    this.resolvePolicy = lenient(registry);
    this.state = carried ?? initialState(ctx.spec, this.resolvePolicy(ctx.spec.scaling.policy));
    this.calls = new ScalingCalls(ctx.spec.scaling);
    this.resources = { streamName: ctx.spec.stream.name, applicationName: ctx.spec.application.name };
    this.saga = new ActionSaga({
      ctx, state: this.state, calls: this.calls, resources: this.resources,
      policy: () => this.policy(),
      nowSeconds: () => this.nowSeconds(),
      observeCapacity: (c) => this.observeCapacity(c),
    });
    this.publishStatus();
    registerScalingHandlers(this);
  }

  /** The scaling parts of the status, from the (carried) state. */
  private publishStatus(): void {
    const { ctx, state } = this;
    ctx.status.autoscaling = autoscalingStatus(state.settings, this.resolvePolicy, state.policyState);
    ctx.status.shardUpdatesLast24h = state.shardUpdateTimes.length;
    if (state.attention !== null) ctx.status.attention = state.attention;
    if (state.capacity !== null) {
      const c = state.capacity;
      ctx.status.capacity = { ...c, kpus: kpusFor(c.parallelism, c.parallelismPerKpu) };
    }
  }

  /**
   * The current policy; a name this build does not know acts as "keep capacity". A run that
   * began deciding with adaptive's v1–v4 rules, or article-step's v1 rules (or its rules before
   * bytes and user records), keeps them, so its recorded decisions replay.
   */
  policy(): ScalingPolicy {
    const name = this.state.settings.policy;
    if (name === 'adaptive' && !patched(PATCHES.adaptiveV2)) return adaptiveV1Policy;
    if (name === 'adaptive' && !patched(PATCHES.adaptiveV3)) return adaptiveV2Policy;
    if (name === 'adaptive' && !patched(PATCHES.adaptiveV4)) return adaptiveV3Policy;
    if (name === 'adaptive' && !patched(PATCHES.adaptiveV5)) return adaptiveV4Policy;
    if (name === 'article-step' && !patched(PATCHES.articleStepGaps)) return articleStepV1Policy;
    if (name === 'article-step' && !patched(PATCHES.articleStepBytes)) return articleStepGapsPolicy;
    return this.resolvePolicy(name) ?? missingPolicy(name);
  }

  nowSeconds(): number {
    return Math.floor(Date.parse(this.ctx.nowIso()) / 1000);
  }

  isBusy(): boolean {
    return this.mode === 'acting' || this.state.pendingOverride !== null;
  }

  wakeUp(): void {
    this.wake = true;
  }

  private shouldReturn(): boolean {
    return this.mode === 'stopped' || this.ctx.teardownRequested() || this.ctx.continueAsNewSuggested();
  }

  async run(): Promise<void> {
    if (this.mode === 'held') {
      await condition(() => this.mode !== 'held' || this.ctx.teardownRequested());
      if (this.mode === 'held') return;
    }
    const failed = this.state.policyFailed ?? null;
    if (failed !== null && patched(PATCHES.policyErrorRestarts)) {
      // Its own state is the likely cause (written by another build): a person resumed, knowing this.
      this.state.policyFailed = null;
      this.state.policyState = this.policy().initialState(policyConfig(this.state.settings));
      this.ctx.record({
        kind: 'scaling',
        message: `Policy ${this.state.settings.policy} starts from its initial state: policy ${failed} had thrown, and a person resumed autoscaling`,
      });
    }
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
      if (this.mode !== 'stopped') this.mode = 'observing';
      await this.tick();
      if (this.mode === 'observing') this.mode = 'waiting';
      if (this.shouldReturn()) break;
      this.wake = false;
      await condition(
        () => this.shouldReturn() || this.state.pendingOverride !== null || this.wake,
        this.localTicks ? untilNextTickMs(Date.parse(this.ctx.nowIso()), this.state.settings.intervalSeconds, this.ctx.spec.id) : this.state.settings.intervalSeconds * 1000,
      );
    } while (!this.shouldReturn());
  }

  /**
   * The carried slice could not be read: nothing is decided or applied until a person resumes autoscaling,
   * which then starts from a fresh state. The unreadable slice stays in this run's input for inspection.
   */
  hold(why: string): void {
    this.mode = 'held';
    this.state.settings.paused = true;
    this.state.attention = `Scaling is held because ${why}. Nothing was reset: the previous run's state is in this run's ` +
      'input (Temporal UI, first event). Deploy a shardpilot build that reads it, or resume autoscaling ' +
      `(PUT /pipelines/${this.ctx.spec.id}/autoscaling with {"paused": false}) to start scaling from a fresh state — ` +
      'that forgets the 24 h UpdateShardCount window and the cooldowns, so check the stream\'s recent reshards first.';
    this.publishStatus();
  }

  /** A person resumed autoscaling: a held loop starts. */
  release(): void {
    if (this.mode !== 'held') return;
    this.mode = 'waiting';
    this.ctx.record({ kind: 'scaling', message: 'Scaling starts from a fresh state: a person resumed autoscaling after the carried state could not be read' });
  }

  /** Plain JSON for continue-as-new. */
  snapshot(): ScalingState {
    return JSON.parse(JSON.stringify(this.state)) as ScalingState;
  }

  /** Teardown started: the loop returns at its next safe point (a running action finishes or rolls back first). */
  async stop(): Promise<void> {
    this.mode = 'stopped';
  }

  private isStopped(): boolean {
    return this.mode === 'stopped';
  }

  /**
   * Teardown waited `longestActionSeconds` and the action still runs: cancel it. A call already
   * sent to AWS is waited for; no further call is made (the loop has stopped).
   */
  abort(): void {
    this.actionScope?.cancel();
  }

  observeCapacity(c: CapacitySnapshot): void {
    this.described = { snapshot: c, atSeconds: this.nowSeconds() };
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
    this.state.pendingOverride = null;
    const reasons = [pending.reason ?? 'manual override'];
    await this.act({ source: 'override', target: pending.target, reasons });
    // Periods observed before and during the override describe the old capacity.
    const period = this.state.settings.periodSeconds;
    this.state.evidenceFrom = (Math.floor(this.nowSeconds() / period) + 1) * period;
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
    const { samples, capacity, described } = observed;
    if (described) this.observeCapacity(capacity);
    if (samples.length > 0) {
      state.window = appendBounded(state.window, samples, WINDOW_LIMIT);
      state.lastSampleTimestamp = samples[samples.length - 1]?.timestamp ?? state.lastSampleTimestamp;
    }
    state.shardUpdateTimes = quotaWindow(state.shardUpdateTimes, this.nowSeconds());
    ctx.status.shardUpdatesLast24h = state.shardUpdateTimes.length;
    // An override accepted while metrics were read goes first; the policy sees the next tick.
    const inCharge = !(state.settings.paused || ctx.status.phase !== 'RUNNING' || this.isBusy());
    if (!patched(PATCHES.scalingEvidence)) {
      if (!inCharge) return;
      await this.decideAndAct(samples, capacity);
      return;
    }
    const period = state.settings.periodSeconds;
    if (!inCharge) {
      // What was seen while the policy was not in charge is never fed to it later as fresh.
      state.evidenceFrom = (state.lastSampleTimestamp ?? Math.floor(this.nowSeconds() / period) * period) + period;
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
        state.evidenceFrom = (Math.floor(this.nowSeconds() / period) + 1) * period;
        return;
      }
    }
  }

  /** One policy decision on `samples`; true when it started an action. */
  private async decideAndAct(samples: MetricsSample[], capacity: CapacitySnapshot): Promise<boolean> {
    const { state, ctx } = this;
    const observation: Observation = {
      now: this.nowSeconds(),
      samples,
      capacity: { shards: capacity.openShards, parallelism: capacity.currentParallelism, parallelismPerKpu: capacity.parallelismPerKpu },
      streamStatus: capacity.streamStatus,
      applicationStatus: capacity.applicationStatus,
      shardUpdateTimes: [...state.shardUpdateTimes],
    };
    const policy = this.policy();
    let decided;
    try {
      decided = policy.decide(state.policyState, observation, policyConfig(state.settings));
    } catch (err) {
      throw this.policyFailure(policy.name, err);
    }
    const { decision, nextState } = decided;
    state.policyState = nextState;
    ctx.status.autoscaling = autoscalingStatus(state.settings, this.resolvePolicy, state.policyState);
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
    await this.act({ source: 'policy', target, reasons: decision.reasons });
    return true;
  }

  /** The policy threw: the pipeline goes DEGRADED (pipeline.ts), saying what happened and what a person can do. */
  private policyFailure(name: string, err: unknown): ControllerError {
    this.state.policyFailed = name;
    const id = this.ctx.spec.id;
    return new ControllerError(
      `policy ${name} threw while deciding: ${errorMessage(err)}`,
      `Its state may have been written by another shardpilot build, or the policy has a bug (report it with this text). ` +
      `Deploy a build that fixes it, or choose another policy (PUT /pipelines/${id}/autoscaling with {"policy": …}); then resume ` +
      `with PUT /pipelines/${id}/autoscaling and {"paused": false}: the policy starts again from its initial state (its cooldowns ` +
      'and what it learned start over; the 24 h UpdateShardCount window and the scaling history are kept) and the pipeline returns to RUNNING.',
    );
  }

  private async act(request: ActionRequest): Promise<void> {
    const previous = this.mode;
    this.mode = 'acting';
    try {
      const scope = new CancellationScope();
      this.actionScope = scope;
      await scope.run(() => this.saga.run(request));
    } catch (err) {
      // Cancelled by teardown (abort after stop): the saga recorded it; the loop returns.
      if (isCancellation(err) && this.isStopped()) return;
      throw err;
    } finally {
      this.actionScope = null;
      // Teardown may have stopped the loop meanwhile; that stays.
      if (this.mode === 'acting') this.mode = previous;
      // The next tick describes again: what the action saw last (e.g. a Flink update still settling) must not
      // stand for CAPACITY_REFRESH_SECONDS — the policy would decide, and the status show, the pre-action capacity.
      if (patched(PATCHES.describeAfterAction)) this.described = null;
    }
  }

  /** The tick's read: metrics, and the capacity (described now, or the recent snapshot reused: `described` false). */
  private async readMetrics(): Promise<{ samples: MetricsSample[]; capacity: CapacitySnapshot; described: boolean }> {
    const { state } = this;
    const input = {
      ...this.resources, periodSeconds: state.settings.periodSeconds, afterTimestamp: state.lastSampleTimestamp, maxPeriods: WINDOW_LIMIT,
    };
    if (patched(PATCHES.tickReadsWhenDue)) {
      this.localTicks = true;
      const reuse = this.reusableSnapshot();
      const range = periodsToRead(Date.parse(this.ctx.nowIso()), input.periodSeconds, input.afterTimestamp, input.maxPeriods);
      // Nothing CloudWatch could add yet and a recent snapshot: the policy decides on no new period, as it
      // would on an empty read, without a call (with 60 s periods and 10 s ticks, five ticks in six).
      if (range.end <= range.start && reuse !== null) return { samples: [], capacity: reuse, described: false };
      const result = await this.calls.readMetrics({ ...input, describeCapacity: reuse === null });
      const capacity = result.capacity ?? reuse;
      if (capacity === null) throw new Error('readMetrics answered without the capacity it was asked for');
      return { samples: result.samples, capacity, described: result.capacity !== undefined };
    }
    // Runs that ticked with a local activity (between the two patches) keep doing so, so they replay.
    this.localTicks = patched(PATCHES.tickLocalActivity);
    if (!this.localTicks) {
      const result = await this.calls.readMetrics(input);
      if (result.capacity === undefined) throw new Error('readMetrics answered without the capacity it was asked for');
      return { samples: result.samples, capacity: result.capacity, described: true };
    }
    const reuse = this.reusableSnapshot();
    const result = await this.calls.readMetricsLocally({ ...input, describeCapacity: reuse === null });
    const capacity = result.capacity ?? reuse;
    if (capacity === null) throw new Error('readMetrics answered without the capacity it was asked for');
    return { samples: result.samples, capacity, described: result.capacity !== undefined };
  }

  /** The last snapshot when it is recent and showed both resources settled; null: describe now. */
  private reusableSnapshot(): CapacitySnapshot | null {
    const last = this.described;
    if (last === null || this.nowSeconds() - last.atSeconds >= CAPACITY_REFRESH_SECONDS) return null;
    const settled = last.snapshot.streamStatus === 'ACTIVE' && last.snapshot.applicationStatus === 'RUNNING';
    return settled ? last.snapshot : null;
  }
}
