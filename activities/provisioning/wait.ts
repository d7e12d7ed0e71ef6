/**
 * Turns a waiter's result into what an activity returns or throws, heartbeating the
 * reason of every poll so the Temporal UI shows what the wait is waiting for.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { waitUntil, type Acceptance } from '../aws/waiter.js';
import { activityAbortSignal, reportProgress } from '../aws/progress.js';

export interface PollTiming {
  minDelayMs: number;
  maxDelayMs: number;
}

/** Polls start fast (emulated resources settle in well under a second) and back off to AWS-friendly intervals. */
export const DEFAULT_POLL_TIMING: PollTiming = { minDelayMs: 250, maxDelayMs: 5_000 };

export const WAIT_FAILURE_TYPES = {
  /** The resource reached a state it will not leave by itself. */
  failed: 'ResourceFailed',
  /** Still moving when the bound ran out; another attempt may see it settle. */
  notSettled: 'ResourceNotSettled',
} as const;

export async function waitFor<T>(
  step: string,
  timeoutSeconds: number,
  timing: PollTiming,
  check: () => Promise<Acceptance<T>>,
): Promise<T> {
  const result = await waitUntil(
    {
      ...timing,
      maxWaitMs: timeoutSeconds * 1000,
      abortSignal: activityAbortSignal(),
      onPoll: (attempt, reason) => reportProgress({ step, message: reason, attempt }),
    },
    check,
  );
  switch (result.state) {
    case 'SUCCESS':
      return result.value as T;
    case 'FAILURE':
      throw ApplicationFailure.nonRetryable(`${step}: ${result.reason}`, WAIT_FAILURE_TYPES.failed);
    case 'TIMEOUT':
    case 'RETRY':
      throw ApplicationFailure.retryable(
        `${step}: ${result.reason} after ${timeoutSeconds}s (${result.attempts} checks)`,
        WAIT_FAILURE_TYPES.notSettled,
      );
    case 'ABORTED':
      throw new CancelledFailure(`${step}: ${result.reason}`);
  }
}
