/**
 * Waiting for an AWS resource to settle, in the shape of the SDK's `waitUntil…`
 * waiters (a pure acceptor over one describe call, retried with capped exponential
 * backoff and jitter until a deadline), plus a progress callback: activities heartbeat
 * on every poll, which the SDK's own waiters cannot do.
 */

export type WaiterState = 'SUCCESS' | 'FAILURE' | 'RETRY' | 'TIMEOUT' | 'ABORTED';

/** What one poll concluded; `reason` is a human sentence ("stream x is CREATING"). */
export type Acceptance<T> =
  | { state: 'SUCCESS'; reason: string; value: T }
  | { state: 'RETRY' | 'FAILURE'; reason: string };

export interface WaiterConfiguration {
  minDelayMs: number;
  maxDelayMs: number;
  maxWaitMs: number;
  abortSignal?: AbortSignal;
  /** Called after every poll (with its conclusion), e.g. to heartbeat. */
  onPoll?: (attempt: number, reason: string) => void;
  /** Injected for tests; defaults to wall time. */
  nowMs?: () => number;
}

export interface WaiterResult<T> {
  state: WaiterState;
  reason: string;
  attempts: number;
  value?: T;
}

/** Delay before poll `attempt + 1`: exponential from min, capped at max, with full jitter above min. */
export function backoffDelayMs(attempt: number, minDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(minDelayMs + (ceiling - minDelayMs) * random());
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function waitUntil<T>(config: WaiterConfiguration, poll: () => Promise<Acceptance<T>>): Promise<WaiterResult<T>> {
  const now = config.nowMs ?? Date.now;
  const deadline = now() + config.maxWaitMs;
  let attempts = 0;
  let lastReason = 'not polled yet';
  for (;;) {
    if (config.abortSignal?.aborted) return { state: 'ABORTED', reason: `aborted while ${lastReason}`, attempts };
    attempts += 1;
    const outcome = await poll();
    lastReason = outcome.reason;
    config.onPoll?.(attempts, outcome.reason);
    if (outcome.state === 'SUCCESS') return { state: 'SUCCESS', reason: outcome.reason, attempts, value: outcome.value };
    if (outcome.state === 'FAILURE') return { state: 'FAILURE', reason: outcome.reason, attempts };
    const remaining = deadline - now();
    if (remaining <= 0) return { state: 'TIMEOUT', reason: lastReason, attempts };
    await sleep(Math.min(remaining, backoffDelayMs(attempts, config.minDelayMs, config.maxDelayMs)), config.abortSignal);
  }
}
