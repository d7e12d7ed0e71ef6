/** Reads the human reason out of whatever an activity call or a child threw. */
import { ActivityFailure, ChildWorkflowFailure, TemporalFailure } from '@temporalio/workflow';
import type { PipelineState } from './state.js';

export function failureMessage(err: unknown): string {
  if ((err instanceof ActivityFailure || err instanceof ChildWorkflowFailure) && err.cause) return failureMessage(err.cause);
  if (err instanceof TemporalFailure || err instanceof Error) return err.message;
  return String(err);
}

/** A controller's run or stop threw: the pipeline keeps running without it, DEGRADED, and says so. */
export function controllerFailed(state: PipelineState, name: string, what: string, err: unknown): void {
  const message = failureMessage(err);
  state.recordError(`${name} ${what}`, message);
  const phase = state.phase;
  if (phase === 'RUNNING' || phase === 'SCALING' || phase === 'ROLLING_BACK') {
    const id = state.status.spec.id;
    state.status.attention = `The ${name} controller stopped with an error: ${message}. The stream and the application keep ` +
      `running; nothing is ${name === 'scaling' ? 'scaled' : 'replayed'} meanwhile. Fix the cause (e.g. choose another policy ` +
      `or its parameters with PUT /pipelines/${id}/autoscaling), then resume with PUT /pipelines/${id}/autoscaling and ` +
      `{"paused": false}: the ${name} controller starts again and the pipeline returns to RUNNING.`;
    state.setPhase('DEGRADED', `${name} controller failed`);
  }
}
