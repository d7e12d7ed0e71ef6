/**
 * The moments whose histories are recorded: each scenario drives real pipelines (real
 * workflow code on the dev server, project activities, the emulator) to an interesting
 * point and captures the histories of the runs involved, finished or still running.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { EmulatorOverrides } from '../../emulator/config.js';
import type { PipelineStatus } from '../../model/status.js';
import {
  CALIBRATION_WORKFLOW_TYPE, calibrationStatusQuery, calibrationWorkflowId, replayControlUpdate,
  scaleOverrideUpdate, statusQuery, teardownSignal,
} from '../../workflows/contract.js';
import { CALIBRATION_PATCHES } from '../../workflows/calibration/patches.js';
import { planCalibration } from '../../model/calibration-plan.js';
import { runWorker } from '../support/temporal.js';
import { script, scriptedInput } from '../workflows/calibration/scripted.js';
import { replayWorkflowId } from '../../workflows/replay/messages.js';
import { steadyLoad } from '../activities/scaling/emulated.js';
import {
  changeCalls, scalingSpec, settledIn, startScalingPipeline, waitForScaling, type ScalingE2E,
} from '../e2e/scaling-harness.js';
import { until } from '../support/worker-process.js';
import { startPipeline, testSpec } from '../workflows/lifecycle-harness.js';
import { PATCHES } from '../../workflows/lifecycle/patches.js';
import { historyToJson } from './history-json.js';
import { patchIds } from './markers.js';
import type { RecordedHistory } from './store.js';

export interface Recorder {
  /** Fetches the history of `runId` (default: the latest run) and keeps it under `name`. */
  capture(name: string, handle: { workflowId: string }, moment: string, description: string, runId?: string): Promise<void>;
}

export interface Scenario {
  name: string;
  /** Emulator timings: slow enough that "in flight" lasts long enough to be captured. */
  emulator?: EmulatorOverrides;
  run(e2e: ScalingE2E, recorder: Recorder): Promise<void>;
}

export function createRecorder(client: Client, out: Map<string, RecordedHistory>): Recorder {
  return {
    async capture(name, { workflowId }, moment, description, runId) {
      const handle = client.workflow.getHandle(workflowId, runId);
      const described = await handle.describe();
      const history = historyToJson(await handle.fetchHistory());
      out.set(name, {
        meta: {
          moment, description, workflowId, runId: described.runId, workflowType: described.type,
          partial: described.status.name === 'RUNNING',
        },
        history,
      });
    },
  };
}

const status = (client: Client, workflowId: string): Promise<PipelineStatus> => client.workflow.getHandle(workflowId).query(statusQuery);

async function tearDownAndWait(handle: WorkflowHandle): Promise<void> {
  await handle.signal(teardownSignal, { reason: 'recording done' });
  await handle.result();
}

async function flinkFault(e2e: ScalingE2E, application: string, fault: 'stuck-updating' | 'unhealthy-after-update'): Promise<void> {
  const response = await fetch(`${e2e.cloud.emulator.url}/_emulator/flink/faults`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ application, fault }),
  });
  if (!response.ok) throw new Error(`flink fault ${fault}: HTTP ${response.status}`);
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'provisioning',
    emulator: { kinesis: { createStreamMs: 4000 } },
    async run(e2e, rec) {
      const handle = await startPipeline(e2e.client, e2e.taskQueue, testSpec('hist-prov'));
      await until('the stream to be created', () => e2e.cloud.emulator.admin.calls({ operation: 'CreateStream' }).length > 0, 30_000);
      await rec.capture('pipeline-provisioning', handle, 'provisioning', 'CreateStream sent, waiting for the stream to be ACTIVE');
      await tearDownAndWait(handle);
      await rec.capture('pipeline-teardown-during-provisioning', handle, 'teardown',
        'teardown signalled while provisioning: provisioning finishes, then everything is deleted');
    },
  },
  {
    name: 'override',
    emulator: { kinesis: { updateShardCountMs: 4000 }, flink: { updateApplicationMs: 2000 } },
    async run(e2e, rec) {
      const handle = await startScalingPipeline(e2e, 'hist-act', { shards: 4, parallelism: 1, scaling: { settleTimeoutSeconds: 60 } });
      await rec.capture('pipeline-running', handle, 'running', 'RUNNING, scaling loop ticking (policy none), no action yet');
      await handle.executeUpdate(scaleOverrideUpdate, { args: [{ shards: 6, parallelism: 2, reason: 'recording' }] });
      await until('UpdateShardCount to be sent', () => changeCalls(e2e, 'hist-act-trips').length > 0, 30_000);
      await rec.capture('pipeline-mid-action', handle, 'mid-action',
        'override 4→6 shards / parallelism 1→2 accepted; UpdateShardCount sent, waiting for the stream to settle');
      await waitForScaling(e2e.client, handle.workflowId, (s, h) => settledIn(['RUNNING'])(s) && h.some((r) => r.kind === 'verification'),
        'the override to be verified', 90_000);
      await rec.capture('pipeline-after-action', handle, 'after-action', 'override applied and verified, back to RUNNING');
      await tearDownAndWait(handle);
      await rec.capture('pipeline-teardown', handle, 'teardown', 'a whole life: provision, override, teardown to DELETED');
    },
  },
  {
    name: 'rollback',
    async run(e2e, rec) {
      const handle = await startScalingPipeline(e2e, 'hist-rb', { shards: 2, parallelism: 1, scaling: { verifyTimeoutSeconds: 3 } });
      await flinkFault(e2e, 'hist-rb-hotspots', 'unhealthy-after-update');
      await handle.executeUpdate(scaleOverrideUpdate, { args: [{ parallelism: 2 }] });
      await waitForScaling(e2e.client, handle.workflowId, (s, h) => settledIn(['RUNNING', 'DEGRADED'])(s) && h.some((r) => r.kind === 'rollback'),
        'the rollback', 90_000);
      await rec.capture('pipeline-rollback', handle, 'rollback', 'verification failed (job restarting), parallelism rolled back to 1');
      await tearDownAndWait(handle);
    },
  },
  {
    name: 'degraded',
    async run(e2e, rec) {
      const handle = await startScalingPipeline(e2e, 'hist-deg', { shards: 2, parallelism: 1, scaling: { settleTimeoutSeconds: 2 } });
      await flinkFault(e2e, 'hist-deg-hotspots', 'stuck-updating');
      e2e.cloud.emulator.admin.injectFault({ kind: 'fail', operation: 'RollbackApplication', count: 1, errorName: 'InvalidRequestException', message: 'Injected.' });
      await handle.executeUpdate(scaleOverrideUpdate, { args: [{ parallelism: 2 }] });
      await waitForScaling(e2e.client, handle.workflowId, settledIn(['DEGRADED']), 'DEGRADED', 90_000);
      await rec.capture('pipeline-degraded', handle, 'degraded', 'update stuck UPDATING, RollbackApplication failed: DEGRADED, autoscaling paused');
      await tearDownAndWait(handle);
      await rec.capture('pipeline-teardown-from-degraded', handle, 'teardown', 'teardown of a DEGRADED pipeline');
    },
  },
  {
    name: 'continue-as-new',
    async run(e2e, rec) {
      const handle = await startScalingPipeline(e2e, 'hist-can', {
        shards: 4, parallelism: 1, scaling: { cooldownSeconds: 2 }, continueAsNewAfterHistoryEvents: 40,
      });
      await e2e.client.workflow.getHandle(handle.workflowId).executeUpdate(scaleOverrideUpdate, { args: [{ shards: 6, reason: 'before CAN' }] });
      await waitForScaling(e2e.client, handle.workflowId, (s) => s.continuedAsNewCount >= 2 && s.activeAction === null, 'two continue-as-new', 90_000);
      let runs: string[] = [];
      await until('visibility to list three runs', async () => (runs = await runIds(e2e.client, handle.workflowId)).length >= 3, 30_000);
      await rec.capture('pipeline-first-run-continued-as-new', handle, 'continue-as-new',
        'the first run, closed by continue-as-new with an override in its carried state', runs[0]);
      await rec.capture('pipeline-second-run-continued-as-new', handle, 'continue-as-new',
        'a run started from carried state, closed by continue-as-new', runs[1]);
      await e2e.client.workflow.getHandle(handle.workflowId).executeUpdate(scaleOverrideUpdate, { args: [{ parallelism: 2, reason: 'after CAN' }] });
      await waitForScaling(e2e.client, handle.workflowId, (s, h) => settledIn(['RUNNING'])(s) && h.filter((r) => r.kind === 'verification').length >= 2,
        'the second override', 90_000);
      await rec.capture('pipeline-after-continue-as-new', handle, 'after continue-as-new', 'a later run that applied an override of its own');
      await tearDownAndWait(e2e.client.workflow.getHandle(handle.workflowId));
    },
  },
  {
    name: 'autoscaling',
    async run(e2e, rec) {
      const handle = await startScalingPipeline(e2e, 'hist-auto', {
        shards: 2, parallelism: 1, recordsPerSecondPerSubtask: 1000,
        scaling: {
          policy: 'article-step', cooldownSeconds: 3, parameters: { recordsPerSecondPerParallelism: 1000 },
          limits: { minShards: 1, maxShards: 4, minParallelism: 1, maxParallelism: 4, maxKpus: 64 },
        },
      });
      const load = steadyLoad(e2e.cloud.kinesis, 'hist-auto-trips', () => 1800);
      try {
        await waitForScaling(e2e.client, handle.workflowId,
          (s, h) => settledIn(['RUNNING'])(s) && h.some((r) => r.kind === 'decision' && r.outcome === 'ok') && h.some((r) => r.kind === 'verification'),
          'a policy decision applied and verified', 120_000);
      } finally {
        await load.stop();
      }
      await rec.capture('pipeline-autoscaled', handle, 'after-action', 'the article-step policy scaled out under load and verified it');
      await tearDownAndWait(handle);
    },
  },
  {
    name: 'adaptive',
    async run(e2e, rec) {
      // More than the two shards take: the adaptive policy (its issue-16 rules, patch scaling-adaptive-v2) must act.
      const handle = await startScalingPipeline(e2e, 'hist-adaptive', {
        shards: 2, parallelism: 1, recordsPerSecondPerSubtask: 1000,
        scaling: {
          policy: 'adaptive', cooldownSeconds: 3, parameters: { recordsPerSecondPerParallelism: 1000 },
          limits: { minShards: 1, maxShards: 8, minParallelism: 1, maxParallelism: 4, maxKpus: 64 },
        },
      });
      const load = steadyLoad(e2e.cloud.kinesis, 'hist-adaptive-trips', () => 3000);
      try {
        await waitForScaling(e2e.client, handle.workflowId,
          (s, h) => settledIn(['RUNNING'])(s) && h.some((r) => r.kind === 'decision' && r.outcome === 'ok') && h.some((r) => r.kind === 'verification'),
          'an adaptive decision applied and verified', 180_000);
      } finally {
        await load.stop();
      }
      await rec.capture('pipeline-adaptive-scaled', handle, 'after-action', 'the adaptive policy (v2 rules) scaled out under load and verified it');
      await tearDownAndWait(handle);
    },
  },
  {
    name: 'replay',
    async run(e2e, rec) {
      const spec = testSpec('hist-rpl', {
        stream: { shardCount: 2, adopt: false, retentionHours: 24 },
        replay: { source: 'sample', speedup: 300, startPaused: false },
        scaling: scalingSpec({ policy: 'none' }),
      });
      const handle = await startPipeline(e2e.client, e2e.taskQueue, spec);
      const child = { workflowId: replayWorkflowId('hist-rpl') };
      await until('the replay to send events', async () => ((await status(e2e.client, handle.workflowId)).replay?.eventsSent ?? 0) > 0, 60_000);
      await rec.capture('pipeline-replay-running', handle, 'replay running', 'RUNNING with its replay child sending events');
      await rec.capture('replay-running', child, 'replay running', 'the replay child mid-replay (a chunk in flight)');
      await handle.executeUpdate(replayControlUpdate, { args: [{ action: 'pause' }] });
      await until('the replay to pause', async () => (await status(e2e.client, handle.workflowId)).replay?.state === 'paused', 30_000);
      await handle.executeUpdate(replayControlUpdate, { args: [{ action: 'resume' }] });
      await handle.executeUpdate(replayControlUpdate, { args: [{ action: 'speedup', speedup: 600 }] });
      await until('the replay to run again', async () => (await status(e2e.client, handle.workflowId)).replay?.state === 'running', 30_000);
      await handle.executeUpdate(replayControlUpdate, { args: [{ action: 'stop' }] });
      await until('the replay to stop', async () => (await status(e2e.client, handle.workflowId)).replay?.state === 'stopped', 30_000);
      await until('the replay child to close', async () => (await e2e.client.workflow.getHandle(child.workflowId).describe()).status.name !== 'RUNNING', 30_000);
      await rec.capture('replay-stopped', child, 'replay stopped', 'the replay child paused, resumed, sped up and stopped');
      await rec.capture('pipeline-replay-stopped', handle, 'replay stopped', 'the pipeline after pause/resume/speedup/stop of its replay');
      await tearDownAndWait(handle);
      await rec.capture('pipeline-teardown-after-replay', handle, 'teardown', 'teardown of a pipeline whose replay was stopped');
    },
  },
  {
    name: 'replay-teardown',
    async run(e2e, rec) {
      const spec = testSpec('hist-rpl-td', {
        replay: { source: 'sample', speedup: 300, startPaused: false },
        scaling: scalingSpec({ policy: 'none' }),
      });
      const handle = await startPipeline(e2e.client, e2e.taskQueue, spec);
      await until('the replay to send events', async () => ((await status(e2e.client, handle.workflowId)).replay?.eventsSent ?? 0) > 0, 60_000);
      await tearDownAndWait(handle);
      const child = { workflowId: replayWorkflowId('hist-rpl-td') };
      await until('the replay child to close', async () => (await e2e.client.workflow.getHandle(child.workflowId).describe()).status.name !== 'RUNNING', 30_000);
      await rec.capture('pipeline-teardown-during-replay', handle, 'teardown', 'teardown while the replay child was running');
      await rec.capture('replay-stopped-by-teardown', child, 'teardown', 'the replay child stopped by its pipeline\'s teardown');
    },
  },
  {
    name: 'reshard-past-quota',
    async run(e2e, rec) {
      // Long ticks and continue-as-new every 40 events keep the captured run small: it starts from the carried
      // state (ten UpdateShardCount times in the 24 h window) and holds the 11th and 12th reshard.
      const handle = await startScalingPipeline(e2e, 'hist-pq', {
        shards: 2, parallelism: 1, scaling: { intervalSeconds: 60 }, continueAsNewAfterHistoryEvents: 40,
      });
      for (let i = 1; i <= 10; i++) {
        const shards = i % 2 === 1 ? 3 : 2;
        await e2e.client.workflow.getHandle(handle.workflowId).executeUpdate(scaleOverrideUpdate, { args: [{ shards, reason: `reshard ${i} of the day` }] });
        await waitForScaling(e2e.client, handle.workflowId, (s) => settledIn(['RUNNING'])(s) && s.capacity?.shards === shards, `reshard ${i}`, 60_000);
      }
      // The 11th reshard (the emulator refuses UpdateShardCount now: the activity goes by SplitShard/MergeShards), then
      // Flink's update fails verification and the rollback reshards a 12th time, by hand too.
      await flinkFault(e2e, 'hist-pq-hotspots', 'unhealthy-after-update');
      await e2e.client.workflow.getHandle(handle.workflowId).executeUpdate(scaleOverrideUpdate, { args: [{ shards: 3, parallelism: 2, reason: 'past the quota' }] });
      await waitForScaling(e2e.client, handle.workflowId, (s, h) => settledIn(['RUNNING'])(s) && h.some((r) => r.kind === 'rollback' && r.outcome === 'ok'),
        'the rollback past the quota', 120_000);
      const byHand = e2e.cloud.emulator.admin.calls().filter((c) => c.operation === 'SplitShard' || c.operation === 'MergeShards').map((c) => c.operation);
      if (!byHand.includes('SplitShard') || !byHand.includes('MergeShards')) {
        throw new Error(`expected the reshards past the quota by SplitShard and MergeShards, the emulator served ${byHand.join() || 'neither'}`);
      }
      let carrying: string[] = [];
      await until('visibility to list the run with the reshard-past-quota marker',
        async () => (carrying = await runsCarrying(e2e.client, handle.workflowId, PATCHES.reshardPastQuota)).length > 0, 30_000);
      if (carrying.length !== 1) throw new Error(`expected one run with the ${PATCHES.reshardPastQuota} marker, found ${carrying.length}`);
      const runId = carrying[0];
      await rec.capture('pipeline-reshard-past-quota', handle, 'rollback',
        'ten reshards carried in the state; an 11th by override and a 12th by its rollback went through by SplitShard/MergeShards', runId);
      await tearDownAndWait(e2e.client.workflow.getHandle(handle.workflowId));
    },
  },
  {
    name: 'calibration',
    async run(e2e, rec) {
      // An I/O-bound job at 2,600 records/s per subtask (test/e2e/calibration-harness.ts): two phases, the second ramping to 2×.
      const id = 'hist-calib';
      const handle = await startPipeline(e2e.client, e2e.taskQueue, testSpec(id, {
        stream: { shardCount: 6, adopt: false, retentionHours: 24 },
        application: {
          parallelism: 2, parallelismPerKpu: 1, runtime: 'FLINK-1_20', snapshotsEnabled: true, adopt: false,
          serviceExecutionRole: 'arn:aws:iam::000000000000:role/flink',
          properties: { 'shardpilot.emulator': { RecordsPerSecondPerSubtask: '2600', JobProfile: 'io-bound' } },
        },
        scaling: scalingSpec({ settleTimeoutSeconds: 10, verifyTimeoutSeconds: 4 }),
      }));
      const running = await waitForScaling(e2e.client, handle.workflowId, (st) => st.phase === 'RUNNING' && st.capacity !== null, 'RUNNING with capacity', 60_000);
      const { plan, problems } = planCalibration(
        { rates: [1300, 4000], confirmSteps: 1, stepSeconds: 5, targetRecordsPerSecond: 10_000 } as never,
        { shards: running.status.capacity!.shards, parallelism: running.status.capacity!.parallelism, periodSeconds: 1, maxKpus: 64 },
      );
      if (plan === null) throw new Error(`calibration plan refused: ${JSON.stringify(problems)}`);
      const calibration = await e2e.client.workflow.start(CALIBRATION_WORKFLOW_TYPE, {
        workflowId: calibrationWorkflowId(id), taskQueue: e2e.taskQueue,
        args: [{ pipelineId: id, calibrationId: 'cal-hist', request: plan.request, timing: { metricsDelaySeconds: 0 } }],
      });
      await until('the calibration to measure its second phase',
        async () => { const c = await calibration.query(calibrationStatusQuery); return c.progress.phase === 1 && c.state === 'measuring'; }, 180_000);
      await rec.capture('calibration-second-phase', calibration, 'calibration measuring',
        'an I/O-bound job calibrated on the emulator: the first phase measured, the second (ParallelismPerKPU 2) holding its steps');
      const done = await calibration.result() as { state: string };
      if (done.state !== 'completed') throw new Error(`calibration ended ${done.state}`);
      await rec.capture('calibration-completed', calibration, 'calibration completed',
        'the same calibration finished: capacity and autoscaling restored, a recommendation made');
      await rec.capture('pipeline-after-calibration', handle, 'after calibration',
        'the pipeline a calibration paused, moved to each phase\'s capacity and restored, still running');
      await tearDownAndWait(handle);
    },
  },
  {
    name: 'calibration-rechecks',
    // Scripted activities (test/workflows/calibration/scripted.ts), so each re-hold branch is taken for sure:
    // 1,500 arrives short once; 1,800 stalls once (below the 1,500 sustained); phase 2's probe at 1,800
    // stalls once more (its 3rd load) and is held again (its 4th load, captured while held).
    run: (e2e, rec) => scriptedCalibration(e2e, rec, {
      id: 'rechecks',
      delivered: (rate, attempt) => (rate === 1500 && attempt === 1 ? 1300 : rate),
      stalled: (rate, attempt) => rate === 1800 && (attempt === 1 || attempt === 3),
      holdAt: { rate: 1800, attempt: 4, what: 'the probe to be held again' },
      held: ['calibration-probe-held-again', 'scripted: a short load and a stall re-run in phase 1; phase 2\'s probe saturated and is being held once more'],
      attempts: (a) => a.join(',') === '2,2,1,2,1',
      done: ['calibration-rechecks', `scripted: every re-hold branch taken (${CALIBRATION_PATCHES.measuredWindow}, ${CALIBRATION_PATCHES.recheckContradiction}, ${CALIBRATION_PATCHES.recheckProbe})`],
    }),
  },
  {
    name: 'calibration-opening',
    // Scripted: the first phase's first decisive step (1,500) stalls once and is held again (its 2nd load, captured
    // while held); the phase then climbs to the job's 2,000 and phase 2's probe at 1,800 runs as it should.
    run: (e2e, rec) => scriptedCalibration(e2e, rec, {
      id: 'opening',
      delivered: (rate) => rate,
      stalled: (rate, attempt) => rate === 1500 && attempt === 1,
      holdAt: { rate: 1500, attempt: 2, what: 'the opening step to be held again' },
      held: ['calibration-opening-held-again', 'scripted: phase 1\'s first decisive step saturated and is being held once more'],
      attempts: (a) => a[0] === 2,
      done: ['calibration-opening', `scripted: phase 1's first decisive step held again (${CALIBRATION_PATCHES.recheckOpening})`],
    }),
  },
];

/**
 * A calibration of 1,500 / 1,800 / 3,000 records/s at ParallelismPerKPU 1 and 2 against scripted activities
 * (test/workflows/calibration/scripted.ts): held at one load to be captured mid-step, then run to its end and captured
 * again. `attempts` checks each step's attempts: what proves the branch was taken.
 */
async function scriptedCalibration(e2e: ScalingE2E, rec: Recorder, spec: {
  id: string;
  delivered: (rate: number, attempt: number) => number;
  stalled: (rate: number, attempt: number) => boolean;
  holdAt: { rate: number; attempt: number; what: string };
  held: [string, string];
  attempts: (perStep: number[]) => boolean;
  done: [string, string];
}): Promise<void> {
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  let holding = false;
  const fake = script(spec.delivered, spec.stalled, async (rate, attempt) => {
    if (rate === spec.holdAt.rate && attempt === spec.holdAt.attempt) { holding = true; await gate; }
  });
  await runWorker({ activities: fake.activities }, async ({ taskQueue }) => {
    const calibration = await e2e.client.workflow.start(CALIBRATION_WORKFLOW_TYPE, {
      workflowId: `calibration-hist-${spec.id}-${Date.now()}`, taskQueue, args: [scriptedInput([1500, 1800, 3000], [1, 2], `cal-${spec.id}`)],
    });
    await until(spec.holdAt.what, async () => holding, 120_000);
    await rec.capture(spec.held[0], calibration, 'calibration measuring', spec.held[1]);
    release();
    const done = await calibration.result() as { state: string; steps: Array<{ attempts?: number }> };
    if (done.state !== 'completed') throw new Error(`scripted calibration ended ${done.state}`);
    if (!spec.attempts(done.steps.map((st) => st.attempts ?? 1))) throw new Error(`unexpected attempts ${JSON.stringify(done.steps)}`);
    await rec.capture(spec.done[0], calibration, 'calibration completed', spec.done[1]);
  });
}

/** The runs of a continue-as-new chain (as visibility lists them so far) whose history carries `patch`'s marker. */
async function runsCarrying(c: Client, workflowId: string, patch: string): Promise<string[]> {
  const carrying: string[] = [];
  for (const runId of await runIds(c, workflowId)) {
    const history = historyToJson(await c.workflow.getHandle(workflowId, runId).fetchHistory());
    if (patchIds(history).includes(patch)) carrying.push(runId);
  }
  return carrying;
}

/** Run ids of a workflow id's continue-as-new chain, oldest first. */
async function runIds(c: Client, workflowId: string): Promise<string[]> {
  const runs: Array<{ runId: string; startTime: Date }> = [];
  for await (const execution of c.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push({ runId: execution.runId, startTime: execution.startTime });
  return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime()).map((r) => r.runId);
}

