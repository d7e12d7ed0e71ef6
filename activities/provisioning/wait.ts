/**
 * Turns a waiter's result into what an activity returns or throws, heartbeating the
 * reason of every poll so the Temporal UI shows what the wait is waiting for.
 *
 * Found with 200 pipelines provisioned at once under AWS's request rates
 * (bench:control-plane): a poll that AWS throttles, or that the SDK retries, can take
 * longer than the heartbeat timeout, and a throttled poll failed the whole attempt, so
 * pipelines ended FAILED on "activity Heartbeat timeout" after four attempts. So the wait
 * heartbeats on a timer as well (silence still means a dead worker), and a poll that
 * fails retryably (throttling, 5xx, network) is one more "not yet" within the wait's bound.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { AWS_FAILURE_TYPES } from '../aws/errors.js';
import { waitUntil, type Acceptance, type WaiterResult } from '../aws/waiter.js';
import { activityAbortSignal, reportProgress, type ProgressDetails } from '../aws/progress.js';

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

/** How often a wait heartbeats between polls (the waits' heartbeat timeout is 15 s). */
export const KEEP_ALIVE_MS = 4_000;

/** A check that AWS throttled or failed transiently has not seen the resource settle yet. */
export function toleratingTransientFailures<T>(check: () => Promise<Acceptance<T>>): () => Promise<Acceptance<T>> {
  return async () => {
    try {
      return await check();
    } catch (err) {
      if (err instanceof ApplicationFailure && err.type === AWS_FAILURE_TYPES.retryable) {
        return { state: 'RETRY', reason: `the last check failed transiently (${err.message}); checking again` };
      }
      throw err;
    }
  };
}

/** Polls until the check settles or `maxWaitMs` passes, heartbeating each poll's reason and, between polls, the last one. */
export async function pollHeartbeating<T>(
  step: string,
  timing: PollTiming & { maxWaitMs: number },
  check: () => Promise<Acceptance<T>>,
): Promise<WaiterResult<T>> {
  let last: ProgressDetails = { step, message: 'first check' };
  const keepAlive = setInterval(() => reportProgress(last), KEEP_ALIVE_MS);
  try {
    return await waitUntil(
      {
        ...timing,
        abortSignal: activityAbortSignal(),
        onPoll: (attempt, reason) => {
          last = { step, message: reason, attempt };
          reportProgress(last);
        },
      },
      toleratingTransientFailures(check),
    );
  } finally {
    clearInterval(keepAlive);
  }
}

export async function waitFor<T>(
  step: string,
  timeoutSeconds: number,
  timing: PollTiming,
  check: () => Promise<Acceptance<T>>,
): Promise<T> {
  const result = await pollHeartbeating(step, { ...timing, maxWaitMs: timeoutSeconds * 1000 }, check);
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

/** How long a wait's one-off call (describe, stop, delete) keeps retrying a throttled answer before the attempt fails. */
export const PERSIST_MAX_MS = 120_000;

/**
 * A wait's one-off call (the first describe, StopApplication, DeleteApplication) that AWS throttles or
 * fails transiently is repeated with backoff and jitter, heartbeating, for up to PERSIST_MAX_MS.
 * Found with 100 pipelines deleted at once under AWS's request rates (bench:control-plane): such a
 * call failed the attempt at once, the wait's four attempts were used up within seconds, and a
 * quarter of the pipelines ended FAILED on "describing application …: ThrottlingException".
 * Any other failure is thrown as it was.
 */
export async function persisting<T>(step: string, timing: PollTiming, call: () => Promise<T>): Promise<T> {
  const result = await pollHeartbeating(step, { ...timing, maxWaitMs: PERSIST_MAX_MS }, async (): Promise<Acceptance<{ value: T }>> => (
    { state: 'SUCCESS', reason: `${step}: answered`, value: { value: await call() } }
  ));
  switch (result.state) {
    case 'SUCCESS':
      return (result.value as { value: T }).value;
    case 'ABORTED':
      throw new CancelledFailure(`${step}: ${result.reason}`);
    default:
      throw ApplicationFailure.retryable(`${step}: ${result.reason} for ${PERSIST_MAX_MS / 1000}s (${result.attempts} tries)`, AWS_FAILURE_TYPES.retryable);
  }
}
