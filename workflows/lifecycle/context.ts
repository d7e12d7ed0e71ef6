/**
 * What the pipeline workflow gives its controllers (scaling, replay): the live status
 * they each own a part of, and the life cycle's few facts and effects. Plain functions,
 * so a test host can build one without the whole pipeline around it.
 */
import type { PipelineSpec } from '../../model/spec.js';
import type { PipelineEvent, PipelinePhase, PipelineStatus } from '../../model/status.js';

export interface PipelineContext {
  readonly spec: PipelineSpec;
  /** The live status answered by `statusQuery`; each controller updates its own parts. */
  readonly status: PipelineStatus;
  /** Changes the phase, the `PipelinePhase` search attribute and records an event. */
  setPhase(phase: PipelinePhase, why: string): void;
  /** Appends to the bounded lifecycle event list (`eventsQuery`). */
  record(event: Omit<PipelineEvent, 'at'>): void;
  /** True once teardown was requested. */
  teardownRequested(): boolean;
  /** True when Temporal suggests continue-as-new; controllers return from `run` at a safe point. */
  continueAsNewSuggested(): boolean;
  /** Workflow time as ISO-8601 (deterministic). */
  nowIso(): string;
}
