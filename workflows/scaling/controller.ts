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
 *
 * A tick reads (tick-read.ts), decides (tick-decide.ts) and acts (saga.ts); its next slot is
 * tick-slot.ts's. This file is the loop, its modes, and what it owns in the status.
 */
import { CancellationScope, condition, isCancellation, patched } from '@temporalio/workflow';
import { PATCHES } from '../lifecycle/patches.js';
import type { CapacitySnapshot, ScalingResources } from '../../activities/scaling/types.js';
import { kpusFor } from '../../model/spec.js';
import { getPolicy } from '../../scaling/index.js';
import { adaptiveV1Policy } from '../../scaling/policies/v1/adaptive.js';
import { adaptiveV2Policy } from '../../scaling/policies/v2/adaptive.js';
import { adaptiveV3Policy } from '../../scaling/policies/v3/adaptive.js';
import { adaptiveV4Policy } from '../../scaling/policies/v4/adaptive.js';
import { adaptiveV5Policy } from '../../scaling/policies/v5/adaptive.js';
import { articleStepV1Policy } from '../../scaling/policies/v1/article-step.js';
import { articleStepGapsPolicy } from '../../scaling/policies/article-step.js';
import type { ScalingPolicy } from '../../scaling/types.js';
import type { PipelineContext } from '../lifecycle/context.js';
import { ScalingCalls } from './activities.js';
import { registerScalingHandlers } from './handlers.js';
import { lenient, missingPolicy } from './policy-lookup.js';
import type { PolicyResolver } from './rules.js';
import { ActionSaga, errorMessage, type ActionRequest } from './saga.js';
import { appendBounded, autoscalingStatus, initialState, policyConfig, quotaWindow, WINDOW_LIMIT, type ScalingState } from './state.js';
import { TickDecider } from './tick-decide.js';
import { TickReader } from './tick-read.js';
import { untilNextTickMs } from './tick-slot.js';

type Mode = 'held' | 'waiting' | 'observing' | 'acting' | 'stopped';

export class ScalingController {
  private mode: Mode = 'waiting';
  /** The running action's scope: teardown cancels it once the action outlives its bound. */
  private actionScope: CancellationScope | null = null;
  /** Set by settings changes so a new interval takes effect now, not after the old one. */
  private wake = false;
  private readonly reader: TickReader;
  private readonly decider: TickDecider;
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
    this.reader = new TickReader(ctx, this.calls, this.resources, () => this.nowSeconds());
    this.decider = new TickDecider({
      ctx, state: this.state, resolvePolicy: this.resolvePolicy,
      policy: () => this.policy(),
      nowSeconds: () => this.nowSeconds(),
      isBusy: () => this.isBusy(),
      act: (request) => this.act(request),
    });
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
   * began deciding with adaptive's v1–v5 rules, or article-step's v1 rules (or its rules before
   * bytes and user records), keeps them, so its recorded decisions replay.
   */
  policy(): ScalingPolicy {
    const name = this.state.settings.policy;
    if (name === 'adaptive' && !patched(PATCHES.adaptiveV2)) return adaptiveV1Policy;
    if (name === 'adaptive' && !patched(PATCHES.adaptiveV3)) return adaptiveV2Policy;
    if (name === 'adaptive' && !patched(PATCHES.adaptiveV4)) return adaptiveV3Policy;
    if (name === 'adaptive' && !patched(PATCHES.adaptiveV5)) return adaptiveV4Policy;
    if (name === 'adaptive' && !patched(PATCHES.adaptiveV6)) return adaptiveV5Policy;
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
        this.reader.localTicks ? untilNextTickMs(Date.parse(this.ctx.nowIso()), this.state.settings.intervalSeconds, this.ctx.spec.id) : this.state.settings.intervalSeconds * 1000,
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
    this.reader.remember(c);
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
      observed = await this.reader.read(state);
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
    await this.decider.decide(samples, capacity);
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
      if (patched(PATCHES.describeAfterAction)) this.reader.forget();
    }
  }
}
