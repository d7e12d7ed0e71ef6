/**
 * Workers SIGKILLed at random moments while pipelines provision, replay the taxi sample,
 * scale and roll back — with one worker (a replacement started after each kill) or two on
 * the same task queue (the one running the action's activity is killed, the other goes on).
 * Outcomes only: every pipeline reaches its expected phase and capacity, every scaling
 * change in its history is exactly one accepted call in the emulator's log, and the replay
 * read back from the stream holds every trip of the sample.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { pipelineWorkflowId } from '../../../workflows/contract.js';
import { startPipeline } from '../../workflows/lifecycle-harness.js';
import {
  accountCalls, capacityProblems, faultSpec, missingTrips, override, teardown, waitFor, type Observed,
} from './pipelines.js';
import type { FaultRig, WorkerProcess } from './rig.js';
import { between, type Random } from './seed.js';

export type Stage = 'provisioning' | 'scaling' | 'rollback' | 'replay' | 'teardown';

export interface KillScenarioOptions {
  rig: FaultRig;
  random: Random;
  /** Pipelines running at once; a finished one is replaced by a new one until the kills are done. */
  pipelines: number;
  /** SIGKILLs to deal (at least). */
  kills: number;
  /** Scale-up, failed-and-rolled-back, scale-down cycles per pipeline (≤ 4: UpdateShardCount allows 10 a day). */
  cycles: number;
  /** Worker processes on the task queue: 1 (replaced after each kill) or 2 (the busy one is killed). */
  workers: 1 | 2;
  /** A kill comes this long (uniformly drawn, ms) after the previous replacement polled. */
  killDelayMs: [number, number];
  replaySpeedup: number;
  /** Bound of each wait (a pipeline step, the replay, teardown). */
  stepTimeoutMs: number;
  log(line: string): void;
}

export interface PipelineOutcome {
  id: string;
  phaseBeforeTeardown: string;
  finalPhase: string;
  actions: number;
  rollbacks: number;
  shardCalls: number[];
  parallelismCalls: number[];
  replayEventsSent: number;
  tripsReadBack: number;
  tripsMissing: number;
}

export interface KillScenarioReport {
  workers: number;
  kills: number;
  /** What the pipelines were doing at each kill (one kill counts for every stage under way). */
  killsDuring: Record<Stage, number>;
  /** Kills that hit the worker while it held a pending activity of a pipeline. */
  killsWithActivityInFlight: number;
  workerStartSeconds: number[];
  pipelines: PipelineOutcome[];
  problems: string[];
  durationSeconds: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Running {
  id: string;
  stage: Stage;
  replayRunning: boolean;
}

async function flinkFault(rig: FaultRig, application: string, fault: string): Promise<void> {
  const response = await fetch(`${rig.emulator.url}/_emulator/flink/faults`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ application, fault }),
  });
  if (!response.ok) throw new Error(`flink fault ${fault} on ${application}: ${response.status} ${await response.text()}`);
}

/** One pipeline's life under fire; returns its outcome and the problems found. */
async function drive(o: KillScenarioOptions, run: Running, problems: string[]): Promise<PipelineOutcome> {
  const { rig } = o;
  const id = run.id;
  const workflowId = pipelineWorkflowId(id);
  const t = o.stepTimeoutMs;
  const seen = (obs: Observed) => {
    run.replayRunning = obs.status.replay?.state === 'running';
  };
  const watch = (done: (obs: Observed) => boolean) => (obs: Observed) => {
    seen(obs);
    return done(obs);
  };
  run.stage = 'provisioning';
  await startPipeline(rig.client, rig.taskQueue, faultSpec(id, { shards: 2, parallelism: 1, replaySpeedup: o.replaySpeedup }));
  await waitFor(rig.client, workflowId, watch((s) => s.status.phase === 'RUNNING' && s.status.capacity !== null), 'RUNNING', t);
  let last: Observed | undefined;
  for (let cycle = 1; cycle <= o.cycles; cycle++) {
    run.stage = 'scaling';
    last = await override(rig.client, workflowId, { shards: 4, parallelism: 2, reason: `cycle ${cycle} up` }, `${id}-c${cycle}-up`, t);
    seen(last);
    run.stage = 'rollback';
    // The next update ends RUNNING but crash-looping: verification fails and the action rolls back.
    await flinkFault(rig, `${id}-hotspots`, 'unhealthy-after-update');
    last = await override(rig.client, workflowId, { parallelism: 3, reason: `cycle ${cycle} unhealthy` }, `${id}-c${cycle}-bad`, t);
    seen(last);
    run.stage = 'scaling';
    last = await override(rig.client, workflowId, { shards: 2, parallelism: 1, reason: `cycle ${cycle} down` }, `${id}-c${cycle}-down`, t);
    seen(last);
  }
  run.stage = 'replay';
  const done = await waitFor(rig.client, workflowId, watch((s) => s.status.replay?.state === 'completed' && s.status.activeAction === null), 'the replay to complete', t);
  run.replayRunning = false;

  const kinds = done.history.filter((r) => r.kind !== 'decision').map((r) => `${r.kind}:${r.outcome}`);
  const expectedKinds = Array.from({ length: o.cycles }, () => [
    'override:ok', 'action:ok', 'verification:ok',
    'override:ok', 'action:ok', 'verification:failed', 'rollback:ok',
    'override:ok', 'action:ok', 'verification:ok',
  ]).flat();
  if (JSON.stringify(kinds) !== JSON.stringify(expectedKinds)) {
    problems.push(`${id}: scaling history ${JSON.stringify(kinds)}, expected ${JSON.stringify(expectedKinds)}; ` +
      `reasons of failures: ${JSON.stringify(done.history.filter((r) => r.outcome === 'failed').map((r) => r.reasons))}`);
  }
  if (done.status.phase !== 'RUNNING') problems.push(`${id}: phase ${done.status.phase} after its actions, expected RUNNING (${done.status.attention})`);
  if (done.status.capacity?.shards !== 2 || done.status.capacity.parallelism !== 1) {
    problems.push(`${id}: capacity ${JSON.stringify(done.status.capacity)} after its actions, expected 2 shards / parallelism 1`);
  }
  problems.push(...await capacityProblems(rig, id, done));
  const account = accountCalls(rig, id, done.history);
  problems.push(...account.problems);
  const expectedShardCalls = Array.from({ length: o.cycles }, () => [4, 2]).flat();
  if (JSON.stringify(account.shardCalls) !== JSON.stringify(expectedShardCalls)) {
    problems.push(`${id}: UpdateShardCount targets ${JSON.stringify(account.shardCalls)}, planned ${JSON.stringify(expectedShardCalls)}`);
  }
  const replay = done.status.replay;
  const read = await missingTrips(rig, id);
  if (read.missing > 0) problems.push(`${id}: ${read.missing} trips of the sample not found reading the stream back (${read.read} distinct read)`);

  run.stage = 'teardown';
  const finalPhase = await teardown(rig.client, workflowId, t);
  if (finalPhase !== 'DELETED') problems.push(`${id}: teardown ended in ${finalPhase}, expected DELETED`);
  last = done;
  return {
    id,
    phaseBeforeTeardown: last.status.phase,
    finalPhase,
    actions: done.history.filter((r) => r.kind === 'action').length,
    rollbacks: done.history.filter((r) => r.kind === 'rollback').length,
    shardCalls: account.shardCalls,
    parallelismCalls: account.parallelismCalls,
    replayEventsSent: replay?.eventsSent ?? 0,
    tripsReadBack: read.read,
    tripsMissing: read.missing,
  };
}

/** Which worker (by pid) holds a pending activity of a running pipeline, if any. */
async function busyWorkerPids(rig: FaultRig, ids: string[]): Promise<Set<number>> {
  const pids = new Set<number>();
  for (const id of ids) {
    try {
      const description = await rig.client.workflowService.describeWorkflowExecution({
        namespace: rig.options.namespace, execution: { workflowId: pipelineWorkflowId(id) },
      });
      for (const a of description.pendingActivities ?? []) {
        const pid = Number((a.lastWorkerIdentity ?? '').split('@')[0]);
        if (Number.isInteger(pid) && pid > 0) pids.add(pid);
      }
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) continue;
    }
  }
  return pids;
}

export async function runKillScenario(o: KillScenarioOptions): Promise<KillScenarioReport> {
  const started = Date.now();
  const { rig, random } = o;
  const problems: string[] = [];
  const outcomes: PipelineOutcome[] = [];
  const killsDuring: Record<Stage, number> = { provisioning: 0, scaling: 0, rollback: 0, replay: 0, teardown: 0 };
  let killsWithActivityInFlight = 0;
  const running = new Map<string, Running>();
  let created = 0;
  let chaosDone = false;
  const prefix = `kill${o.workers}-${Math.floor(random() * 1e6).toString(36)}`;

  for (let i = 0; i < o.workers; i++) await rig.startWorker();

  const launch = async (): Promise<void> => {
    const run: Running = { id: `${prefix}-p${++created}`, stage: 'provisioning', replayRunning: false };
    running.set(run.id, run);
    try {
      outcomes.push(await drive(o, run, problems));
    } catch (err) {
      // The workers' own logs say whether their workflow tasks failed (nondeterminism, a deadlock) or timed out.
      problems.push(`${run.id}: ${err instanceof Error ? err.message : String(err)}\n--- worker logs ---\n${o.rig.workerTails()}`);
    } finally {
      running.delete(run.id);
    }
    // Keep pipelines under fire until every kill has been dealt (bounded, should drivers keep failing).
    if (!chaosDone && created < o.pipelines * 10) await launch();
  };

  const chaos = async (): Promise<void> => {
    while (rig.kills < o.kills) {
      await pause(between(random, o.killDelayMs[0], o.killDelayMs[1]));
      const ids = [...running.keys()];
      const busy = await busyWorkerPids(rig, ids);
      const busyWorkers = rig.workers.filter((w) => busy.has(w.pid));
      // With two workers, the one running an action's activity is the interesting victim.
      const pool: WorkerProcess[] = o.workers === 2 && busyWorkers.length > 0 ? busyWorkers : rig.workers;
      const victim = pool[Math.floor(random() * pool.length)];
      if (victim === undefined) continue;
      const stages = new Set<Stage>();
      for (const r of running.values()) {
        stages.add(r.stage);
        if (r.replayRunning) stages.add('replay');
      }
      for (const s of stages) killsDuring[s] += 1;
      if (busy.has(victim.pid)) killsWithActivityInFlight += 1;
      await rig.kill(victim, [...stages].join('+') || 'idle');
      await rig.startWorker();
    }
    chaosDone = true;
  };

  // Staggered starts spread provisioning over the run.
  const drivers = Array.from({ length: o.pipelines }, async (_, i) => {
    await pause(i === 0 ? 0 : between(random, 0, o.killDelayMs[1] * 2));
    await launch();
  });
  await Promise.all([chaos(), ...drivers]);
  // First: with no worker polling, every other problem follows from it.
  problems.unshift(...rig.unexpectedExits);
  return {
    workers: o.workers,
    kills: rig.kills,
    killsDuring,
    killsWithActivityInFlight,
    workerStartSeconds: [...rig.restartSeconds],
    pipelines: outcomes,
    problems,
    durationSeconds: (Date.now() - started) / 1000,
  };
}
