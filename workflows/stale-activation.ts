/**
 * Refuses to run workflow code at a workflow time the activation itself proves stale.
 *
 * Why: a query that reaches a worker without the run in its cache ("legacy" query, answered
 * through matching with the whole history) can carry events that arrived after the last workflow
 * task — a timer that fired, an activity that completed — with no task started for them yet. The
 * SDK core applies those events and runs the workflow forward at the last task's time, answers
 * the query, keeps the run cached, and sends the commands that run produced with the next real
 * task. Every later replay runs the same code at that task's (later) time; where a branch reads the
 * clock, the recorded commands no longer match and the pipeline is wedged by a nondeterminism
 * error. test/faults/fixtures/nondeterminism-after-kill.json is such a history: the control loop's
 * tick timer fired while the worker was dead, a status query reached the replacement first, and
 * the tick ran 11 s in the past (docs/reliability.md, "Known limits").
 *
 * Failing the activation instead makes the SDK evict the run and fail only that query; the next
 * workflow task replays from history at its own time. Two checks, neither of which can fire on a
 * workflow task's own activation (so recorded histories replay unchanged):
 * - a timer cannot fire before its deadline: the task that resolves it started after the timer
 *   fired, so its time is at least the time the timer was started plus its duration;
 * - a live (not replaying) activation cannot be older than the workflow task timeout: by then the
 *   server has timed the task out and would refuse its completion anyway.
 */
import type { coresdk } from '@temporalio/proto';
import { workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { STALE_ACTIVATION_REFUSED } from './contract.js';

/** An activation's workflow time contradicts what it carries; the SDK then evicts the run. */
export class StaleActivationError extends Error {
  override readonly name = 'StaleActivationError';
}

type ActivationView = Pick<coresdk.workflow_activation.IWorkflowActivation, 'jobs' | 'isReplaying'>;

/** The first contradiction between the activation's workflow time `now` and its jobs, or null. */
export function staleActivationReason(
  activation: ActivationView, now: number, timerDeadlines: ReadonlyMap<number, number>, realNow: () => number, taskTimeoutMs: number,
): string | null {
  const jobs = activation.jobs ?? [];
  for (const job of jobs) {
    const seq = job.fireTimer?.seq;
    const deadline = seq == null ? undefined : timerDeadlines.get(seq);
    if (deadline !== undefined && now < deadline) {
      return `timer ${seq} fired at workflow time ${new Date(now).toISOString()}, before its deadline ${new Date(deadline).toISOString()}`;
    }
  }
  const runsCode = jobs.some((job) => job.queryWorkflow == null);
  if (runsCode && activation.isReplaying !== true) {
    const age = realNow() - now;
    if (age > taskTimeoutMs) {
      return `a live activation at workflow time ${new Date(now).toISOString()} is ${Math.round(age)} ms old, past the ${taskTimeoutMs} ms workflow task timeout`;
    }
  }
  return null;
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  /** Deadline (workflow time, epoch ms) of every timer started and not yet fired or cancelled, by sequence number. */
  const timerDeadlines = new Map<number, number>();
  return {
    outbound: [{
      async startTimer(input, next) {
        timerDeadlines.set(input.seq, new Date().getTime() + input.durationMs);
        try {
          return await next(input);
        } finally {
          timerDeadlines.delete(input.seq);
        }
      },
    }],
    internals: [{
      activate(input, next) {
        const info = workflowInfo();
        const reason = staleActivationReason(input.activation, new Date().getTime(), timerDeadlines, info.unsafe.now, info.taskTimeoutMs);
        if (reason !== null) {
          throw new StaleActivationError(`${STALE_ACTIVATION_REFUSED}: ${reason}; the activation runs on events no workflow task has started yet (a query to a worker without the run cached); refusing it so the run is replayed at the next task's time`);
        }
        return next(input);
      },
    }],
  };
};
