/**
 * Heartbeats from inside an activity, in words. Outside a Temporal activity (a script,
 * a unit test calling the function directly) there is no one to tell, so it is a no-op.
 */
import { Context } from '@temporalio/activity';

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export interface ProgressDetails {
  step: string;
  message: string;
  attempt?: number;
}

export function reportProgress(details: ProgressDetails): void {
  currentContext()?.heartbeat(details);
}

/** Aborts when Temporal cancels the activity (or its heartbeat times out); undefined outside an activity. */
export function activityAbortSignal(): AbortSignal | undefined {
  return currentContext()?.cancellationSignal;
}
