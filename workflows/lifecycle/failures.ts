/** Reads the human reason out of whatever an activity call or a child threw. */
import { ActivityFailure, ChildWorkflowFailure, TemporalFailure } from '@temporalio/workflow';
import type { PipelineState } from './state.js';

export function failureMessage(err: unknown): string {
  if ((err instanceof ActivityFailure || err instanceof ChildWorkflowFailure) && err.cause) return failureMessage(err.cause);
  if (err instanceof TemporalFailure || err instanceof Error) return err.message;
  return String(err);
}

/** A controller's error that knows what a person should do about it (the attention text's remedy). */
export class ControllerError extends Error {
  constructor(message: string, readonly remedy: string) {
    super(message);
    this.name = 'ControllerError';
  }
}

function defaultRemedy(name: string, id: string): string {
  const resume = `then resume with PUT /pipelines/${id}/autoscaling and {"paused": false}: the ${name} controller starts again and the pipeline returns to RUNNING.`;
  return name === 'scaling'
    ? `Fix the cause (e.g. choose another policy or its parameters with PUT /pipelines/${id}/autoscaling), ${resume}`
    : `Fix the cause (the pipeline's workflow history in the Temporal UI shows the failing step; a replay child that ran keeps its own history), ${resume}`;
}

/** A controller's run or stop threw: the pipeline keeps running without it, DEGRADED, and says what happened and what to do. */
export function controllerFailed(state: PipelineState, name: string, what: string, err: unknown): void {
  const message = failureMessage(err);
  state.recordError(`${name} ${what}`, message);
  const phase = state.phase;
  if (phase === 'RUNNING' || phase === 'SCALING' || phase === 'ROLLING_BACK') {
    const id = state.status.spec.id;
    const remedy = err instanceof ControllerError ? err.remedy : defaultRemedy(name, id);
    state.status.attention = `The ${name} controller stopped with an error: ${message}. The stream and the application keep ` +
      `running; nothing is ${name === 'scaling' ? 'scaled' : 'replayed'} meanwhile. ${remedy}`;
    state.setPhase('DEGRADED', `${name} controller failed`);
  }
}
