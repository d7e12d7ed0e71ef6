/**
 * The calibration talks to its pipeline only through the pipeline workflow's public
 * messages (workflows/contract.ts): the status and scaling-history queries, the
 * autoscaling and replay-control updates, and the scale override — so capacity changes
 * go through the pipeline's own action saga (applied, verified, rolled back) and its
 * status stays the one source of truth. A workflow cannot query or update another, so
 * these are activities with a Temporal client.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure, type Client } from '@temporalio/client';
import type { CapacityRecord } from '../../model/calibration.js';
import type { PipelineStatus, ScalingRecord } from '../../model/status.js';
import {
  autoscalingUpdate, pipelineWorkflowId, replayControlUpdate, scaleOverrideUpdate, scalingHistoryQuery, statusQuery,
} from '../../workflows/contract.js';

export interface PipelineFactsResult {
  phase: PipelineStatus['phase'];
  capacity: CapacityRecord | null;
  autoscalingPaused: boolean;
  periodSeconds: number;
  maxKpus: number;
  replayRunning: boolean;
  actionInFlight: boolean;
  /** Longest one scaling action (forward and rollback, settle and verify) may take, seconds. */
  actionBoundSeconds: number;
  streamName: string;
  applicationName: string;
  /** The pipeline's IAM role (spec `roleArn`): the calibration's own AWS calls are made as it too. */
  roleArn?: string;
}

export interface CapacityChangeInput {
  pipelineId: string;
  target: CapacityRecord;
  reason: string;
  /** Epoch ms after which waiting for the action stops (absolute, so retries keep the bound). */
  deadlineEpochMs: number;
  pollIntervalMs?: number;
}

export interface CapacityChangeResult {
  outcome: 'applied' | 'unchanged' | 'failed';
  capacity: CapacityRecord | null;
  reasons: string[];
}

const sameCapacity = (a: CapacityRecord | null, b: CapacityRecord): boolean =>
  a !== null && a.shards === b.shards && a.parallelism === b.parallelism && a.parallelismPerKpu === b.parallelismPerKpu;

const capacityOf = (status: PipelineStatus): CapacityRecord | null =>
  status.capacity === null ? null : { shards: status.capacity.shards, parallelism: status.capacity.parallelism, parallelismPerKpu: status.capacity.parallelismPerKpu };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createPipelineMessageActivities(getClient: () => Client) {
  const handle = (pipelineId: string) => getClient().workflow.getHandle(pipelineWorkflowId(pipelineId));
  const status = (pipelineId: string) => handle(pipelineId).query(statusQuery);

  return {
    async readPipelineFacts(input: { pipelineId: string }): Promise<PipelineFactsResult> {
      const s = await status(input.pipelineId);
      return {
        phase: s.phase,
        capacity: capacityOf(s),
        autoscalingPaused: s.autoscaling.paused,
        periodSeconds: s.autoscaling.periodSeconds,
        maxKpus: s.autoscaling.limits.maxKpus,
        replayRunning: s.replay?.state === 'running',
        actionInFlight: s.activeAction !== null,
        actionBoundSeconds: 2 * (s.spec.scaling.settleTimeoutSeconds + s.spec.scaling.verifyTimeoutSeconds) + 60,
        streamName: s.resources.streamName,
        applicationName: s.resources.applicationName,
        ...(s.spec.roleArn === undefined ? {} : { roleArn: s.spec.roleArn }),
      };
    },

    /** Idempotent: setting the same value twice changes nothing. */
    async setPipelineAutoscalingPaused(input: { pipelineId: string; paused: boolean }): Promise<void> {
      await handle(input.pipelineId).executeUpdate(autoscalingUpdate, { args: [{ paused: input.paused }] });
    },

    /** Pauses or resumes the pipeline's replay; a replay already in that state (or ended) is left alone. */
    async setPipelineReplayPaused(input: { pipelineId: string; paused: boolean }): Promise<string> {
      const s = await status(input.pipelineId);
      const state = s.replay?.state;
      if (input.paused ? state !== 'running' : state !== 'paused') return `replay is ${state ?? 'absent'}; nothing to ${input.paused ? 'pause' : 'resume'}`;
      const progress = await handle(input.pipelineId).executeUpdate(replayControlUpdate, { args: [{ action: input.paused ? 'pause' : 'resume' }] });
      return `replay ${progress.state}`;
    },

    /**
     * Asks the pipeline for a capacity through its scale override and waits for its action
     * saga to finish (applied, or rolled back). A retried attempt finds the change done or
     * under way and only waits.
     */
    async changePipelineCapacity(input: CapacityChangeInput): Promise<CapacityChangeResult> {
      const poll = input.pollIntervalMs ?? 500;
      const ctx = Context.current();
      const h = handle(input.pipelineId);
      const waitIdle = async (): Promise<PipelineStatus> => {
        for (;;) {
          const s = await h.query(statusQuery);
          if (s.activeAction === null && s.phase !== 'SCALING' && s.phase !== 'ROLLING_BACK') return s;
          if (Date.now() > input.deadlineEpochMs) throw ApplicationFailure.nonRetryable(`pipeline ${input.pipelineId} still scaling at the deadline`, 'CalibrationTimeout');
          ctx.heartbeat({ waiting: 'pipeline busy' });
          await sleep(poll);
        }
      };
      let before = await waitIdle();
      if (sameCapacity(capacityOf(before), input.target)) return { outcome: 'unchanged', capacity: capacityOf(before), reasons: ['already at the target'] };
      if (before.phase !== 'RUNNING') {
        return { outcome: 'failed', capacity: capacityOf(before), reasons: [`the pipeline is ${before.phase}, not RUNNING`] };
      }
      const current = capacityOf(before);
      await h.executeUpdate(scaleOverrideUpdate, {
        args: [{
          ...(current?.parallelism !== input.target.parallelism ? { parallelism: input.target.parallelism } : {}),
          ...(current?.parallelismPerKpu !== input.target.parallelismPerKpu ? { parallelismPerKpu: input.target.parallelismPerKpu } : {}),
          ...(current?.shards !== input.target.shards ? { shards: input.target.shards } : {}),
          reason: input.reason,
        }],
      });
      // The saga records its action (or rejection) before it clears `activeAction`.
      for (;;) {
        await sleep(poll);
        ctx.heartbeat({ waiting: 'scaling action' });
        before = await waitIdle();
        const history = await h.query(scalingHistoryQuery);
        const lastOverride = history.map((r) => r.kind).lastIndexOf('override');
        const after: ScalingRecord[] = history.slice(lastOverride + 1);
        if (after.some((r) => r.kind === 'action' || r.kind === 'rejected')) {
          const capacity = capacityOf(before);
          if (sameCapacity(capacity, input.target)) return { outcome: 'applied', capacity, reasons: after.flatMap((r) => r.reasons) };
          return { outcome: 'failed', capacity, reasons: after.flatMap((r) => r.reasons) };
        }
        if (Date.now() > input.deadlineEpochMs) throw ApplicationFailure.nonRetryable(`no scaling action of pipeline ${input.pipelineId} finished by the deadline`, 'CalibrationTimeout');
      }
    },
  };
}
