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
  /** Resharding by hand (SplitShard/MergeShards): the target and the calls made so far, read back by a retried attempt. */
  reshardByHand?: { fromShards: number; because: string; target: number; splits: number; merges: number };
}

export function reportProgress(details: ProgressDetails): void {
  currentContext()?.heartbeat(details);
}

/** Aborts when Temporal cancels the activity (or its heartbeat times out); undefined outside an activity. */
export function activityAbortSignal(): AbortSignal | undefined {
  return currentContext()?.cancellationSignal;
}

/** What the last attempt of this activity reported in its heartbeats; undefined on a first attempt or outside an activity. */
export function previousHeartbeat(): unknown {
  return currentContext()?.info.heartbeatDetails;
}

/** This attempt's start-to-close timeout in ms; undefined outside an activity. */
export function attemptTimeoutMs(): number | undefined {
  const ms = currentContext()?.info.startToCloseTimeoutMs;
  return ms === undefined || ms <= 0 ? undefined : ms;
}
