/** Reads the human reason out of whatever an activity call or a child threw. */
import { ActivityFailure, ChildWorkflowFailure, TemporalFailure } from '@temporalio/workflow';

export function failureMessage(err: unknown): string {
  if ((err instanceof ActivityFailure || err instanceof ChildWorkflowFailure) && err.cause) return failureMessage(err.cause);
  if (err instanceof TemporalFailure || err instanceof Error) return err.message;
  return String(err);
}
