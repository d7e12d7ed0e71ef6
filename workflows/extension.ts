/**
 * The seam between the pipeline workflow's life cycle (provision → run → teardown) and
 * the features that live inside RUNNING: the taxi replay and the scaling control loop.
 * Each feature is an extension installed once at workflow start, so its update, signal
 * and query handlers exist from the first workflow task.
 */
import type { PipelineSpec } from '../model/spec.js';
import type { PipelineEvent, PipelinePhase, PipelineStatus } from '../model/status.js';

export interface PipelineContext {
  readonly spec: PipelineSpec;
  /** The live status answered by `statusQuery`; extensions update their parts of it. */
  readonly status: PipelineStatus;
  /** Changes the phase, the `PipelinePhase` search attribute and records an event. */
  setPhase(phase: PipelinePhase, why: string): void;
  /** Appends to the bounded lifecycle event list (`eventsQuery`). */
  record(event: Omit<PipelineEvent, 'at'>): void;
  /** True once teardown was requested. */
  teardownRequested(): boolean;
  /** True when Temporal suggests continue-as-new; extensions return from `run` at a safe point. */
  continueAsNewSuggested(): boolean;
  /** Workflow time as ISO-8601 (deterministic). */
  nowIso(): string;
}

export interface PipelineExtension {
  /** Runs while the pipeline is RUNNING (or SCALING/ROLLING_BACK); resolves when
   * `teardownRequested()` or `continueAsNewSuggested()` becomes true, at a safe point. */
  run(): Promise<void>;
  /** Plain JSON carried through continue-as-new and given back to the installer. */
  snapshot(): unknown;
  /** Teardown started: stop work in flight (e.g. stop the replay child). */
  stop(): Promise<void>;
}

/** An installer is called synchronously at workflow start, with what `snapshot()` returned before continue-as-new. */
export type ExtensionInstaller = (ctx: PipelineContext, carried: unknown) => PipelineExtension;
