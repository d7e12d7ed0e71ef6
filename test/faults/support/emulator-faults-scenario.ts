/**
 * AWS misbehaving at a rate while pipelines provision, replay and scale: throttling, 500s
 * (before and after the change took effect), slow answers — plus the answers AWS means as
 * final (a spent UpdateShardCount quota — worked around with SplitShard —, an invalid argument), a stream stuck UPDATING and
 * an application stuck UPDATING. Outcomes: retried where AWS says retry (every change still
 * one accepted call), stopped where it says not to (one refused call, no retries, action
 * rolled back), and no pipeline left half-changed.
 */
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import type { FaultSpec } from '../../../emulator/core/faults.js';
import { pipelineWorkflowId } from '../../../workflows/contract.js';
import { startPipeline } from '../../workflows/lifecycle-harness.js';
import {
  accountCalls, capacityProblems, faultSpec, missingTrips, override, teardown, waitFor, type Observed,
} from './pipelines.js';
import type { FaultRig } from './rig.js';
import type { Random } from './seed.js';

export interface EmulatorFaultOptions {
  rig: FaultRig;
  random: Random;
  /** Share of calls hit by each kind of fault (throttling, 500s, slow answers). */
  rate: number;
  /** Added to a slow answer, ms. */
  slowMs: number;
  replaySpeedup: number;
  stepTimeoutMs: number;
  /** Only these cases (all five when absent): the quick variant in `npm test` runs `rates` alone. */
  cases?: readonly CaseName[];
}

export type CaseName = 'rates' | 'quota-refused' | 'invalid-argument' | 'stream-stuck' | 'app-stuck';

export interface CaseOutcome {
  name: string;
  expected: string;
  phase: string;
  capacity: string;
  history: string[];
  calls: Record<string, number>;
  finalPhase: string;
}

export interface EmulatorFaultReport {
  rate: number;
  injected: Record<string, number>;
  /** Calls answered with an error after the change took effect (the call log's `appliedThenFailed`), by operation. */
  appliedThenFailed: Record<string, number>;
  cases: CaseOutcome[];
  problems: string[];
  durationSeconds: number;
}

const KINESIS = 'Kinesis_20131202';
const FLINK = 'KinesisAnalytics_20180523';
const CLOUDWATCH = 'GraniteServiceVersion20100801';

/** The background faults, at `rate` each. Only answers AWS documents as retryable. */
export function rateFaults(rate: number, slowMs: number): FaultSpec[] {
  const kinesisControl = ['CreateStream', 'DeleteStream', 'DescribeStream', 'DescribeStreamSummary', 'ListShards', 'AddTagsToStream', 'ListTagsForStream'];
  return [
    ...kinesisControl.map((operation): FaultSpec => ({ kind: 'throttle', service: KINESIS, operation, share: rate, errorName: 'LimitExceededException' })),
    { kind: 'throttle', service: KINESIS, operation: 'PutRecords', share: rate, errorName: 'ProvisionedThroughputExceededException' },
    { kind: 'throttle', service: FLINK, operation: '*', share: rate, errorName: 'ThrottlingException' },
    { kind: 'throttle', service: CLOUDWATCH, operation: '*', share: rate, errorName: 'ThrottlingException' },
    // A 500 after the change took effect: the caller cannot tell it from one before.
    ...['UpdateShardCount', 'UpdateApplication', 'RollbackApplication', 'CreateStream', 'CreateApplication', 'StartApplication'].map((operation): FaultSpec => ({
      kind: 'fail', operation, share: rate / 2, errorName: 'InternalFailure', status: 500, message: 'We encountered an internal error. Please try again.', afterApplying: true,
    })),
    { kind: 'fail', operation: '*', share: rate / 2, errorName: 'InternalFailure', status: 500, message: 'We encountered an internal error. Please try again.' },
    { kind: 'latency', operation: '*', share: rate, latencyMs: slowMs },
  ];
}

async function admin(rig: FaultRig, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${rig.emulator.url}/_emulator/${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`emulator ${path}: ${response.status} ${await response.text()}`);
}

const kindsOf = (o: Observed) => o.history.filter((r) => r.kind !== 'decision').map((r) => `${r.kind}:${r.outcome}`);
const capacityOf = (o: Observed) => `${o.status.capacity?.shards} shards / parallelism ${o.status.capacity?.parallelism}`;

export async function runEmulatorFaultScenario(o: EmulatorFaultOptions): Promise<EmulatorFaultReport> {
  const started = Date.now();
  const { rig } = o;
  const t = o.stepTimeoutMs;
  const problems: string[] = [];
  const cases: CaseOutcome[] = [];
  const prefix = `emf-${Math.floor(o.random() * 1e6).toString(36)}`;
  await rig.startWorker();
  for (const fault of rateFaults(o.rate, o.slowMs)) rig.emulator.admin.injectFault(fault);

  const callCounts = (id: string) => {
    // Applied: accepted, or answered 500 after taking effect (the log marks those); refused: changed nothing.
    const count = (operation: string, resource: string, outcome: 'ok' | 'error') =>
      rig.calls(operation, resource).filter((c) => (c.outcome === 'ok' || c.appliedThenFailed === true) === (outcome === 'ok')).length;
    return {
      UpdateShardCount: count('UpdateShardCount', `${id}-trips`, 'ok'),
      'UpdateShardCount refused': count('UpdateShardCount', `${id}-trips`, 'error'),
      UpdateApplication: count('UpdateApplication', `${id}-hotspots`, 'ok'),
      'UpdateApplication refused': count('UpdateApplication', `${id}-hotspots`, 'error'),
      RollbackApplication: count('RollbackApplication', `${id}-hotspots`, 'ok'),
    };
  };
  const injectedErrors = new Set(['InternalFailure', 'ThrottlingException', 'LimitExceededException', 'InvalidArgumentException']);

  const runCase = async (
    name: CaseName, expected: string, shape: { replay?: boolean; settleTimeoutSeconds?: number },
    body: (id: string, workflowId: string) => Promise<{ observed: Observed; check: (calls: Record<string, number>) => string[] }>,
  ): Promise<void> => {
    if (o.cases !== undefined && !o.cases.includes(name)) return;
    const id = `${prefix}-${name}`;
    const workflowId = pipelineWorkflowId(id);
    try {
      await startPipeline(rig.client, rig.taskQueue, faultSpec(id, {
        shards: 2, parallelism: 1, ...(shape.replay ? { replaySpeedup: o.replaySpeedup } : {}),
        ...(shape.settleTimeoutSeconds === undefined ? {} : { scaling: { settleTimeoutSeconds: shape.settleTimeoutSeconds } }),
      }));
      await waitFor(rig.client, workflowId, (s) => s.status.phase === 'RUNNING' && s.status.capacity !== null, 'RUNNING', t);
      const { observed, check } = await body(id, workflowId);
      const calls = callCounts(id);
      const found = check(calls);
      if (observed.status.phase !== 'DEGRADED') found.push(...await capacityProblems(rig, id, observed));
      // Injected errors may show up refused; a second attempt at a change would be ResourceInUse or ConcurrentModification.
      found.push(...accountCalls(rig, id, observed.history, (e) => injectedErrors.has(e)).problems);
      const finalPhase = await teardown(rig.client, workflowId, t);
      if (finalPhase !== 'DELETED') found.push(`teardown ended in ${finalPhase}, expected DELETED`);
      problems.push(...found.map((f) => `${name}: ${f}`));
      cases.push({ name, expected, phase: observed.status.phase, capacity: capacityOf(observed), history: kindsOf(observed), calls, finalPhase });
    } catch (err) {
      problems.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  await Promise.all([
    runCase('rates', 'scales up and down through throttling, 500s and slow answers; the replay arrives whole', { replay: true }, async (id, wf) => {
      await override(rig.client, wf, { shards: 4, parallelism: 2, reason: 'up under faults' }, `${id}-up`, t);
      await override(rig.client, wf, { shards: 2, parallelism: 1, reason: 'down under faults' }, `${id}-down`, t);
      const observed = await waitFor(rig.client, wf, (s) => s.status.replay?.state === 'completed', 'the replay to complete', t);
      const read = await missingTrips(rig, id);
      return {
        observed,
        check: (calls) => {
          const found: string[] = [];
          if (read.missing !== 0) found.push(`${read.missing} trips of the sample missing reading the stream back (${read.read} distinct read)`);
          if (JSON.stringify(kindsOf(observed)) !== JSON.stringify(['override:ok', 'action:ok', 'verification:ok', 'override:ok', 'action:ok', 'verification:ok'])) {
            found.push(`history ${JSON.stringify(kindsOf(observed))}; failures ${JSON.stringify(observed.history.filter((r) => r.outcome === 'failed').map((r) => r.reasons))}`);
          }
          if (calls.UpdateShardCount !== 2 || calls.UpdateApplication !== 2) found.push(`calls ${JSON.stringify(calls)}, expected 2 UpdateShardCount and 2 UpdateApplication accepted`);
          return found;
        },
      };
    }),
    runCase('quota-refused', 'UpdateShardCount answers the 10-a-day quota: one call, no retry; SplitShard reaches the shards, then Flink', {}, async (id, wf) => {
      rig.emulator.admin.injectFault({
        kind: 'fail', operation: 'UpdateShardCount', resource: `${id}-trips`, count: 1, errorName: 'LimitExceededException',
        message: `UpdateShardCount cannot be performed on stream ${id}-trips because it has exceeded the limit of 10 scaling operations in a rolling 24-hour period.`,
      });
      const observed = await override(rig.client, wf, { shards: 4, parallelism: 2, reason: 'quota spent' }, `${id}-up`, t);
      return {
        observed,
        check: (calls) => {
          const found: string[] = [];
          if (JSON.stringify(kindsOf(observed)) !== JSON.stringify(['override:ok', 'action:ok', 'verification:ok'])) found.push(`history ${JSON.stringify(kindsOf(observed))}`);
          const refused = rig.calls('UpdateShardCount', `${id}-trips`).filter((c) => c.error === 'LimitExceededException').length;
          if (refused !== 1) found.push(`${refused} UpdateShardCount calls answered LimitExceededException, expected exactly 1 (no retry)`);
          const splits = rig.calls('SplitShard', `${id}-trips`).filter((c) => c.outcome === 'ok' || c.appliedThenFailed === true).length;
          if (splits !== 2) found.push(`${splits} SplitShard calls took effect, expected 2 (each of the 2 shards split at its midpoint)`);
          if (calls.UpdateShardCount !== 0 || calls.UpdateApplication !== 1) found.push(`calls ${JSON.stringify(calls)}: expected no UpdateShardCount and one UpdateApplication accepted`);
          if (observed.status.phase !== 'RUNNING' || observed.status.capacity?.shards !== 4 || observed.status.capacity.parallelism !== 2) {
            found.push(`${observed.status.phase} at ${capacityOf(observed)}, expected RUNNING at 4 shards / parallelism 2`);
          }
          return found;
        },
      };
    }),
    runCase('invalid-argument', 'UpdateApplication answers InvalidArgumentException: one call, no retry, capacity kept', {}, async (id, wf) => {
      rig.emulator.admin.injectFault({
        kind: 'fail', operation: 'UpdateApplication', resource: `${id}-hotspots`, count: 1, errorName: 'InvalidArgumentException',
        message: 'Parallelism per KPU exceeds the allowed maximum.',
      });
      const observed = await override(rig.client, wf, { parallelism: 2, reason: 'refused' }, `${id}-up`, t);
      return {
        observed,
        check: (calls) => {
          const found: string[] = [];
          if (JSON.stringify(kindsOf(observed)) !== JSON.stringify(['override:ok', 'action:failed', 'rollback:ok'])) found.push(`history ${JSON.stringify(kindsOf(observed))}`);
          const refused = rig.calls('UpdateApplication', `${id}-hotspots`).filter((c) => c.error === 'InvalidArgumentException').length;
          if (refused !== 1) found.push(`${refused} UpdateApplication calls answered InvalidArgumentException, expected exactly 1 (no retry)`);
          if (calls.UpdateApplication !== 0) found.push(`calls ${JSON.stringify(calls)}: nothing should have changed`);
          if (observed.status.phase !== 'RUNNING' || observed.status.capacity?.parallelism !== 1) found.push(`${observed.status.phase} at ${capacityOf(observed)}`);
          return found;
        },
      };
    }),
    runCase('stream-stuck', 'the stream sticks UPDATING: no Flink change, no second reshard, DEGRADED with a reason', { settleTimeoutSeconds: 10 }, async (id, wf) => {
      await admin(rig, 'kinesis/faults', { stream: `${id}-trips`, fault: 'stuck-updating' });
      const observed = await override(rig.client, wf, { shards: 4, parallelism: 2, reason: 'into a stuck reshard' }, `${id}-up`, t);
      // AWS finishes the reshard eventually; teardown must work from there.
      await admin(rig, 'kinesis/faults', { stream: `${id}-trips`, fault: 'clear' });
      const stream = await rig.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: `${id}-trips` }));
      return {
        observed,
        check: (calls) => {
          const found: string[] = [];
          if (observed.status.phase !== 'DEGRADED' || !observed.status.attention) found.push(`phase ${observed.status.phase} (attention ${observed.status.attention}), expected DEGRADED with what to do`);
          if (calls.UpdateShardCount !== 1 || calls.UpdateApplication !== 0 || calls.RollbackApplication !== 0) {
            found.push(`calls ${JSON.stringify(calls)}, expected one UpdateShardCount and no Flink change`);
          }
          if (stream.StreamDescriptionSummary?.OpenShardCount !== 4) found.push(`after the reshard finished the stream has ${stream.StreamDescriptionSummary?.OpenShardCount} shards`);
          return found;
        },
      };
    }),
    runCase('app-stuck', 'the application sticks UPDATING: RollbackApplication restores the old capacity', { settleTimeoutSeconds: 10 }, async (id, wf) => {
      await admin(rig, 'flink/faults', { application: `${id}-hotspots`, fault: 'stuck-updating' });
      const observed = await override(rig.client, wf, { parallelism: 2, reason: 'into a stuck update' }, `${id}-up`, t);
      return {
        observed,
        check: (calls) => {
          const found: string[] = [];
          if (JSON.stringify(kindsOf(observed)) !== JSON.stringify(['override:ok', 'action:failed', 'rollback:ok'])) found.push(`history ${JSON.stringify(kindsOf(observed))}`);
          if (calls.UpdateApplication !== 1 || calls.RollbackApplication !== 1) found.push(`calls ${JSON.stringify(calls)}, expected one UpdateApplication and one RollbackApplication`);
          if (observed.status.phase !== 'RUNNING' || observed.status.capacity?.parallelism !== 1) found.push(`${observed.status.phase} at ${capacityOf(observed)}, expected RUNNING at parallelism 1`);
          return found;
        },
      };
    }),
  ]);

  const injected: Record<string, number> = {};
  const appliedThenFailed: Record<string, number> = {};
  for (const c of rig.emulator.admin.calls()) {
    if (c.outcome === 'error' && c.error) injected[c.error] = (injected[c.error] ?? 0) + 1;
    if (c.appliedThenFailed) appliedThenFailed[c.operation] = (appliedThenFailed[c.operation] ?? 0) + 1;
  }
  rig.emulator.admin.clearFaults();
  return { rate: o.rate, injected, appliedThenFailed, cases, problems, durationSeconds: (Date.now() - started) / 1000 };
}
