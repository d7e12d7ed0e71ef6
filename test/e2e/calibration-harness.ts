/**
 * KPU-calibration e2e set-up (issue 13): a real pipeline workflow and the calibration workflow
 * on a real Worker, through the HTTP API, against the embedded emulator whose job has a true
 * rate of 2,600 records/s per subtask (not the default 4,400). Steps are 5 s at 1 s CloudWatch
 * periods (the emulator's fast profile); each phase holds one task KPU. One file per case, so
 * each stays short and vitest can run them side by side.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import type { KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { afterAll, beforeAll, expect } from 'vitest';
import { createActivities } from '../../activities/index.js';
import type { CalibrationStatus, CalibrationStep } from '../../model/calibration.js';
import type { PipelineStatus } from '../../model/status.js';
import { startTestApi, terminateAllOn, type TestApi } from '../api/support/app.js';
import { cloudWatchClient, flinkClient, kinesisClient, startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { uniqueTaskQueue } from '../support/temporal.js';

export const TRUE_RATE = 2600;
/**
 * Ramp of the first phase; the ParallelismPerKPU 2 phase runs twice these (two subtasks). The
 * saturating step is far above the true rate (4,000 against 2,600), so the backlog grows faster
 * than a busy machine's hiccups in the load can drain it: the job runs flat out, and what it
 * processes then is its ceiling. A step just above the rate would measure the hiccups too.
 */
export const RATES = [1300, 4000];

export type Profile = 'cpu-bound' | 'io-bound';

/** A step in one line, for failure messages. */
export const brief = (s: CalibrationStep) => [
  s.parallelismPerKpu, s.offeredRecordsPerSecond, Math.round(s.sentRecordsPerSecond), Math.round(s.processedRecordsPerSecond ?? -1),
  s.lagSlopeMsPerSecond === null ? null : Math.round(s.lagSlopeMsPerSecond), s.throttledRecords, s.verdict, s.attempts ?? 1,
];

export const pipelineId = (name: string) => `calib-${name}-${randomBytes(3).toString('hex')}`;

function spec(id: string, profile: Profile, replay: boolean): Record<string, unknown> {
  return {
    id,
    stream: { shardCount: 6 },
    application: {
      parallelism: 2,
      properties: { 'shardpilot.emulator': { RecordsPerSecondPerSubtask: String(TRUE_RATE), JobProfile: profile } },
    },
    ...(replay ? { replay: { speedup: 30 } } : {}),
    // Autoscaling on (policy none keeps capacity still), so pausing and resuming it is visible.
    scaling: { policy: 'none', enabled: true, intervalSeconds: 1, periodSeconds: 1, settleTimeoutSeconds: 10, verifyTimeoutSeconds: 4 },
  };
}

export async function until<T>(what: string, fn: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await fn();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last).slice(0, 3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface CalibrationHarness {
  api(): TestApi;
  flink(): KinesisAnalyticsV2Client;
  activities(): ReturnType<typeof createActivities>;
  taskQueue: string;
  pipeline(id: string): Promise<PipelineStatus>;
  calibration(id: string): Promise<CalibrationStatus>;
  runningPipeline(id: string, profile: Profile, replay?: boolean): Promise<void>;
  /** Runs the standard calibration to its end and returns it (asserting it completed). */
  calibrate(id: string): Promise<CalibrationStatus>;
}

export const finished = (c: CalibrationStatus): boolean => c.finishedAt !== null && c.finishedAt !== undefined;

/** Registers the file's beforeAll/afterAll: emulator, API, activities. */
export function useCalibrationHarness(name: string): CalibrationHarness {
  let api: TestApi;
  let emulator: TestEmulator;
  let flink: KinesisAnalyticsV2Client;
  let activities: ReturnType<typeof createActivities>;
  const taskQueue = uniqueTaskQueue(`calibration-${name}`);

  beforeAll(async () => {
    emulator = await startTestEmulator({ kinesis: { createStreamMs: 50 } });
    flink = flinkClient(emulator);
    api = await startTestApi({ taskQueue, callTimeoutMs: 10_000 });
    activities = createActivities({
      kinesis: kinesisClient(emulator), flink, cloudwatch: cloudWatchClient(emulator), dataDir: 'data',
      scalingPollIntervalMs: 100, pollTiming: { minDelayMs: 20, maxDelayMs: 200 }, temporal: api.client,
    });
  });

  afterAll(async () => {
    if (api) await terminateAllOn(api.client, taskQueue).catch(() => undefined);
    await api?.close();
    flink?.destroy();
    await emulator?.stop();
  });

  const pipeline = async (id: string): Promise<PipelineStatus> => (await api.app.inject({ method: 'GET', url: `/pipelines/${id}` })).json();
  const calibration = async (id: string): Promise<CalibrationStatus> => {
    const r = await api.app.inject({ method: 'GET', url: `/pipelines/${id}/calibration` });
    return r.statusCode === 200 ? r.json() : ({ state: `http ${r.statusCode}` } as unknown as CalibrationStatus);
  };

  return {
    api: () => api,
    flink: () => flink,
    activities: () => activities,
    taskQueue,
    pipeline,
    calibration,
    async runningPipeline(id, profile, replay = false) {
      const created = await api.app.inject({ method: 'POST', url: '/pipelines', payload: spec(id, profile, replay) });
      expect(created.statusCode, created.body).toBe(201);
      await until(`${id} RUNNING`, () => pipeline(id), (s) => s.phase === 'RUNNING' && s.capacity !== null && (!replay || s.replay?.state === 'running'), 60_000);
    },
    async calibrate(id) {
      const started = await api.app.inject({
        method: 'POST', url: `/pipelines/${id}/calibrate`,
        // One task KPU per phase (parallelism 1, then 2 at ParallelismPerKPU 2): what one KPU processes.
        // A second confirmation runs only when the first, just under the ceiling, saturated.
        payload: { rates: RATES, confirmSteps: 2, stepSeconds: 5, targetRecordsPerSecond: 10_000, budget: { maxDurationSeconds: 600 } },
      });
      expect(started.statusCode, started.body).toBe(202);
      expect(started.json()).toMatchObject({ plan: { rates: RATES, parallelism: null, parallelismPerKpu: [1, 2] } });
      const done = await until(`calibration of ${id}`, () => calibration(id), finished, 240_000);
      expect(done.state, JSON.stringify({ error: done.error, steps: done.steps.map(brief) })).toBe('completed');
      return done;
    },
  };
}

/**
 * Appends the run's evidence to .data/calibration-runs.md (git-ignored; the README's example comes
 * from there), with the machine's load at the end of the run.
 */
export function recordRun(profile: Profile, done: CalibrationStatus): void {
  const r = done.result!;
  const load = (() => {
    try {
      return execFileSync('uptime', { encoding: 'utf8' }).trim();
    } catch {
      return 'uptime unavailable';
    }
  })();
  // Seconds since the calibration started: where its wall time goes (capacity changes, holds, drains).
  const at = (iso: string): number => Math.round((Date.parse(iso) - Date.parse(done.startedAt)) / 1000);
  const lines = [
    `### ${profile}, ${new Date().toISOString()} (${load})`, '',
    '| ParallelismPerKPU | offered → accepted rec/s | processed rec/s | lag trend ms/s | CPU % | held | verdict | s |', '|---|---|---|---|---|---|---|---|',
    ...done.steps.map((s) => `| ${s.parallelismPerKpu} | ${s.offeredRecordsPerSecond} → ${Math.round(s.sentRecordsPerSecond)} | ${Math.round(s.processedRecordsPerSecond ?? 0)} | ${s.lagSlopeMsPerSecond?.toFixed(1) ?? '–'} | ${Math.round(s.containerCpuUtilization ?? 0)} | ${s.attempts ?? 1} | ${s.verdict}${s.kind === 'confirm' ? ' (confirm)' : ''} | ${at(s.startedAt)}–${at(s.endedAt)} |`),
    '', `Calibration: ${at(done.finishedAt ?? done.startedAt)} s from start to restored.`, '', `Result: ${Math.round(r.recordsPerSecondPerParallelism)} records/s per parallelism unit, workload ${r.workload}, ` +
      `per-KPU gain ×${r.comparison?.perKpuGain.toFixed(2)} against a margin of ${Math.round((r.comparison?.margin ?? 0) * 100)} % (noise ${((r.comparison?.noise ?? 0) * 100).toFixed(1)} %); ` +
      `recommended parallelism ${r.recommendation.parallelism} at ParallelismPerKPU ${r.recommendation.parallelismPerKpu}.`, '',
  ];
  mkdirSync('.data', { recursive: true });
  appendFileSync('.data/calibration-runs.md', `${lines.join('\n')}\n`);
}
