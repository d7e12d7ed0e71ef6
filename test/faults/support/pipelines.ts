/**
 * Driving pipelines through faults: specs, status reads and overrides that tolerate a
 * dead worker (queries fail while none polls; an override is re-sent under the same
 * update id, which Temporal deduplicates), and the checks the suite is about — the
 * emulator's call log against the pipeline's own scaling history, and the replay read back.
 */
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { DescribeApplicationCommand } from '@aws-sdk/client-kinesis-analytics-v2';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { readTrips } from '../../../data/readers/source.js';
import { SAMPLE_FILE } from '../../../data/sample.js';
import type { ScalingSpec } from '../../../model/spec.js';
import type { PipelineStatus, ScalingRecord } from '../../../model/status.js';
import {
  scaleOverrideUpdate, scalingHistoryQuery, statusQuery, teardownSignal, type ScaleOverrideRequest,
} from '../../../workflows/contract.js';
import { readWholeStream } from '../../replay/read-back.js';
import { testSpec } from '../../workflows/lifecycle-harness.js';
import { describeStuck } from './diagnose.js';
import type { FaultRig } from './rig.js';

export interface PipelineShape {
  shards: number;
  parallelism: number;
  /** Replay the committed sample at this speedup from the start; none when absent. */
  replaySpeedup?: number;
  scaling?: Partial<ScalingSpec>;
}

/** Overrides only (policy `none`), generous settle bound: a crash must not turn into a timeout rollback. */
export function faultSpec(id: string, shape: PipelineShape) {
  return testSpec(id, {
    stream: { shardCount: shape.shards, adopt: false, retentionHours: 24 },
    application: {
      parallelism: shape.parallelism, parallelismPerKpu: 1, runtime: 'FLINK-1_20', snapshotsEnabled: true, adopt: false,
      serviceExecutionRole: 'arn:aws:iam::000000000000:role/flink',
    },
    ...(shape.replaySpeedup === undefined ? {} : { replay: { source: 'sample', speedup: shape.replaySpeedup, startPaused: false } }),
    scaling: {
      policy: 'none', enabled: true, intervalSeconds: 1, periodSeconds: 1, cooldownSeconds: 1,
      limits: { minShards: 1, maxShards: 16, minParallelism: 1, maxParallelism: 8, maxKpus: 64 },
      settleTimeoutSeconds: 180, verifyTimeoutSeconds: 6, parameters: {},
      ...shape.scaling,
    },
  });
}

export interface Observed {
  status: PipelineStatus;
  history: ScalingRecord[];
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls status and scaling history until `done`; a failing query (no worker right now) is asked again. */
export async function waitFor(
  client: Client, workflowId: string, done: (o: Observed) => boolean, what: string, timeoutMs: number,
): Promise<Observed> {
  const deadline = Date.now() + timeoutMs;
  let last: Observed | undefined;
  let lastReadAt: number | undefined;
  let lastError: unknown;
  let failedReads = 0;
  while (Date.now() < deadline) {
    try {
      const handle = client.workflow.getHandle(workflowId);
      last = { status: await handle.query(statusQuery), history: await handle.query(scalingHistoryQuery) };
      lastReadAt = Date.now();
      failedReads = 0;
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
      failedReads += 1;
    }
    await pause(500);
  }
  // The status below is the last one a query read, which may be long before the deadline (queries fail while no
  // workflow task completes): say when, and what the workflow is waiting on now.
  const readAgo = lastReadAt === undefined ? 'never read' : `read ${((Date.now() - lastReadAt) / 1000).toFixed(0)} s ago`;
  const cause = lastError instanceof Error && lastError.cause instanceof Error ? `: ${lastError.cause.message}` : '';
  throw new Error(
    `${workflowId}: timed out after ${timeoutMs} ms waiting for ${what}; last status (${readAgo}, ${failedReads} reads failed since): ` +
    `phase ${last?.status.phase}, capacity ${JSON.stringify(last?.status.capacity)}, ` +
    `active ${JSON.stringify(last?.status.activeAction)}, replay ${last?.status.replay?.state}, history ${JSON.stringify(last?.history.slice(-4))}, ` +
    `last error ${String(lastError)}${cause}\n${await describeStuck(client, workflowId)}`,
  );
}

export const settled = (o: Observed): boolean => (o.status.phase === 'RUNNING' || o.status.phase === 'DEGRADED') && o.status.activeAction === null;

/** Records that end an action: its verification, a rollback, a rejection or a failed action. */
export const closingRecords = (history: ScalingRecord[]): number =>
  history.filter((r) => r.kind === 'verification' || r.kind === 'rollback' || r.kind === 'rejected' ||
    (r.kind === 'action' && r.outcome === 'failed')).length;

/**
 * Sends an override and waits until its action is over. Re-sent under the same update id
 * when the call fails for want of a worker: Temporal runs one update per id, so a retry
 * can never start a second action. A validator's refusal is final and thrown.
 */
export async function override(
  client: Client, workflowId: string, request: ScaleOverrideRequest, updateId: string, timeoutMs: number,
): Promise<Observed> {
  const before = await waitFor(client, workflowId, settled, `settled before ${updateId}`, timeoutMs);
  const closedBefore = closingRecords(before.history);
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await client.workflow.getHandle(workflowId).executeUpdate(scaleOverrideUpdate, { args: [request], updateId });
      break;
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        // The refusal alone does not say why the pipeline was not RUNNING: add its attention and last records.
        const now = await waitFor(client, workflowId, () => true, 'a status read', 30_000).catch(() => undefined);
        throw new Error(`${workflowId}: override ${updateId} refused: ${String(err.cause?.message ?? err.message)}` +
          (now ? `; attention ${JSON.stringify(now.status.attention)}; last records ${JSON.stringify(now.history.slice(-4))}` : ''));
      }
      if (Date.now() > deadline) throw new Error(`${workflowId}: override ${updateId} not accepted after ${attempt} attempts: ${String(err)}`);
      await pause(1000);
    }
  }
  return waitFor(client, workflowId, (o) => settled(o) && closingRecords(o.history) > closedBefore, `the action of ${updateId} to finish`, timeoutMs);
}

interface CapacityChange {
  kind: string;
  shards: number | null;
  parallelism: number | null;
  /** The parallelism came back through RollbackApplication (an update stuck UPDATING), not UpdateApplication. */
  viaRollbackApplication: boolean;
  /** The shards were reached with SplitShard/MergeShards (UpdateShardCount's daily quota spent), not UpdateShardCount. */
  viaSplitMerge: boolean;
}

/**
 * The capacity changes the history says were made, in order: each action that went through
 * (`before` → `after`), and each rollback of a fully applied action (its `before` is then
 * what AWS had). An action that failed part-way leaves AWS somewhere in between, which the
 * history cannot tell; callers check such cases against their own expectations (`partial`).
 */
export function changesInHistory(history: ScalingRecord[]): { changes: CapacityChange[]; partial: boolean } {
  const changes: CapacityChange[] = [];
  let partial = false;
  let lastActionApplied = false;
  for (const r of history) {
    if (r.kind === 'action') {
      lastActionApplied = r.outcome === 'ok';
      if (r.outcome === 'failed' && r.before !== null) partial = true;
    }
    if (r.before === null || r.after === null || r.outcome !== 'ok') continue;
    if (r.kind !== 'action' && !(r.kind === 'rollback' && lastActionApplied)) continue;
    changes.push({
      kind: r.kind,
      shards: r.after.shards !== r.before.shards ? r.after.shards : null,
      parallelism: r.after.parallelism !== r.before.parallelism ? r.after.parallelism : null,
      viaRollbackApplication: r.reasons.some((reason) => reason.startsWith('RollbackApplication of')),
      viaSplitMerge: r.reasons.some((reason) => /^resharded \S+ \d+ → \d+ shards by (at least )?\d+ SplitShard and (at least )?\d+ MergeShards calls/.test(reason)),
    });
  }
  return { changes, partial };
}

export interface CallAccount {
  expectedShardTargets: number[];
  shardCalls: number[];
  expectedParallelismTargets: number[];
  parallelismCalls: number[];
  expectedRollbackApplications: number;
  rollbackApplicationCalls: number;
  /** Scaling calls AWS refused (a second attempt at a change shows up here as ResourceInUse and the like). */
  refusedCalls: string[];
  problems: string[];
}

/**
 * "No scaling call lost or applied twice": every change the history reports is exactly one
 * accepted call in the emulator's log, in order, and nothing else was called or refused.
 * `allowRefused`: errors injected on purpose (e.g. a non-retryable answer) that are expected.
 */
export function accountCalls(rig: FaultRig, id: string, history: ScalingRecord[], allowRefused: (error: string) => boolean = () => false): CallAccount {
  const stream = `${id}-trips`;
  const app = `${id}-hotspots`;
  const { changes, partial } = changesInHistory(history);
  const target = (p: unknown): number | undefined => {
    const params = p as { TargetShardCount?: number; ApplicationConfigurationUpdate?: { FlinkApplicationConfigurationUpdate?: { ParallelismConfigurationUpdate?: { ParallelismUpdate?: number } } } };
    return params.TargetShardCount ?? params.ApplicationConfigurationUpdate?.FlinkApplicationConfigurationUpdate?.ParallelismConfigurationUpdate?.ParallelismUpdate;
  };
  // A call answered 500 after it took effect is an applied change (the emulator's log marks it), not a refused one.
  const applied = (c: { outcome: string; appliedThenFailed?: true }) => c.outcome === 'ok' || c.appliedThenFailed === true;
  const shardLog = rig.calls('UpdateShardCount', stream);
  const appLog = rig.calls('UpdateApplication', app);
  const rollbackLog = rig.calls('RollbackApplication', app);
  const account: CallAccount = {
    expectedShardTargets: changes.flatMap((c) => (c.shards === null || c.viaSplitMerge ? [] : [c.shards])),
    shardCalls: shardLog.filter(applied).map((c) => target(c.params) ?? -1),
    expectedParallelismTargets: changes.flatMap((c) => (c.parallelism === null || c.viaRollbackApplication ? [] : [c.parallelism])),
    expectedRollbackApplications: changes.filter((c) => c.viaRollbackApplication).length,
    parallelismCalls: appLog.filter(applied).map((c) => target(c.params) ?? -1),
    rollbackApplicationCalls: rollbackLog.filter(applied).length,
    refusedCalls: [...shardLog, ...appLog, ...rollbackLog].filter((c) => !applied(c) && !allowRefused(c.error ?? ''))
      .map((c) => `${c.operation}: ${c.error}`),
    problems: [],
  };
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  if (partial) {
    if (account.refusedCalls.length > 0) account.problems.push(`${id}: scaling calls refused by AWS: ${account.refusedCalls.join(', ')}`);
    return account;
  }
  if (!same(account.expectedShardTargets, account.shardCalls)) {
    account.problems.push(`${id}: UpdateShardCount calls ${JSON.stringify(account.shardCalls)} but the history changed shards to ${JSON.stringify(account.expectedShardTargets)}`);
  }
  if (!same(account.expectedParallelismTargets, account.parallelismCalls)) {
    account.problems.push(`${id}: UpdateApplication calls ${JSON.stringify(account.parallelismCalls)} but the history changed parallelism to ${JSON.stringify(account.expectedParallelismTargets)}`);
  }
  if (account.expectedRollbackApplications !== account.rollbackApplicationCalls) {
    account.problems.push(`${id}: ${account.rollbackApplicationCalls} RollbackApplication calls, the history reports ${account.expectedRollbackApplications}`);
  }
  if (account.refusedCalls.length > 0) account.problems.push(`${id}: scaling calls refused by AWS: ${account.refusedCalls.join(', ')}`);
  return account;
}

/** AWS's view and the workflow's agree, and match one side of the last action (never half of each). */
export async function capacityProblems(rig: FaultRig, id: string, observed: Observed): Promise<string[]> {
  const stream = (await rig.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: `${id}-trips` }))).StreamDescriptionSummary;
  const app = (await rig.flink.send(new DescribeApplicationCommand({ ApplicationName: `${id}-hotspots` }))).ApplicationDetail;
  const shards = stream?.OpenShardCount;
  const parallelism = app?.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription?.CurrentParallelism;
  const problems: string[] = [];
  const cap = observed.status.capacity;
  if (cap?.shards !== shards || cap?.parallelism !== parallelism) {
    problems.push(`${id}: the workflow reports ${cap?.shards} shards / parallelism ${cap?.parallelism}, AWS has ${shards} / ${parallelism}`);
  }
  const last = [...observed.history].reverse().find((r) => r.kind === 'action' && r.before !== null && r.after !== null);
  if (last && observed.status.phase !== 'DEGRADED') {
    const sides = [last.before!, last.after!];
    if (!sides.some((s) => s.shards === shards && s.parallelism === parallelism)) {
      problems.push(`${id}: half-changed — AWS has ${shards} shards / parallelism ${parallelism}, the last action went ${JSON.stringify(last.before)} → ${JSON.stringify(last.after)}`);
    }
  }
  return problems;
}

let sampleIds: Promise<string[]> | undefined;

/** The committed sample's trip ids (40,000), read once. */
export function sampleTripIds(): Promise<string[]> {
  sampleIds ??= (async () => {
    const ids: string[] = [];
    for await (const item of readTrips(SAMPLE_FILE)) if (item.kind === 'trip') ids.push(item.trip.trip_id);
    return ids;
  })();
  return sampleIds;
}

/** Reads the stream back like a consumer; returns the sample's trips it does not find. */
export async function missingTrips(rig: FaultRig, id: string): Promise<{ read: number; missing: number }> {
  const got = new Set(await readWholeStream(rig.reader, `${id}-trips`));
  const ids = await sampleTripIds();
  return { read: got.size, missing: ids.filter((t) => !got.has(t)).length };
}

export async function teardown(client: Client, workflowId: string, timeoutMs: number): Promise<string> {
  const handle: WorkflowHandle = client.workflow.getHandle(workflowId);
  await handle.signal(teardownSignal, { reason: 'fault suite done' });
  // The deadline's timer is cleared once the result is in: left pending, each one kept bench:faults'
  // process alive for its whole step timeout (10 min) after the report was written.
  let deadline: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    handle.result() as Promise<{ phase?: string }>,
    new Promise<{ phase: string }>((resolve) => {
      deadline = setTimeout(() => resolve({ phase: `still running after ${timeoutMs} ms` }), timeoutMs);
    }),
  ]).finally(() => clearTimeout(deadline));
  return result.phase ?? 'unknown';
}
