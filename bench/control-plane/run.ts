/**
 * `npm run bench:control-plane [-- --pipelines 200 --minutes 10 --interval 10]`: one
 * worker carrying many pipelines against the emulator (no replay), as one would run it
 * in production — separate worker, API and Temporal processes. Measures:
 * create N at once (time to all RUNNING), the steady state (worker CPU/RSS, workflow-task
 * durations, tick lateness, AWS calls/s per API), the read path under load (autocannon),
 * delete N at once (time to all DELETED), task timeouts and history sizes, and per phase
 * where workflow-task time went (worker or Temporal server, from both sides' metrics).
 * `--temporal cluster` runs Temporal in the production topology (PostgreSQL) instead of
 * the dev server (SQLite). Writes bench/out/control-plane.json and its section of
 * docs/reliability.md. `--machine '…'` says what else ran meanwhile; `--rerender` rewrites the
 * section from the last run's JSON (to correct that description; the figures are unchanged).
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadavg } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { analyseHistory, distribution, type Distribution, type HistoryFacts } from './history.js';
import { nodeChildOf, ProcSampler } from './proc-stats.js';
import { scrape, scrapeAll, taskTimeSplit, type Scrape, type TaskTimeSplit } from './prom.js';
import { readLoadInChild, type ReadRun } from './reads.js';
import { markdown, type ControlPlaneResult } from './summary.js';
import { writeDocSection, writeJson } from './report.js';
import { callsPerApi } from './aws-calls.js';
import { startBenchStack, TASK_QUEUE, type BenchStack } from './stack.js';
import { ROOT } from '../../scripts/cluster/shardpilot.js';
import {
  API_RATES, args, commandFlags, CREATE_WAIT_MS, INTERVAL, MINUTES, PIPELINES, READ_SECONDS, RUNTIME, TOPOLOGY,
} from './options.js';

/** `uptime`'s line: the machine's load when a figure was taken (the docs quote it). */
function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/\s+/g, ' ');
  } catch {
    return `load average: ${loadavg().map((l) => l.toFixed(2)).join(', ')}`;
  }
}

const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spec(id: string) {
  return {
    id,
    stream: { shardCount: 1 },
    application: { parallelism: 1 },
    // Bounds pinned to the current capacity: the loop reads, decides and records every tick, but the
    // benchmark measures the control plane's own cost, not scaling actions.
    scaling: { intervalSeconds: INTERVAL, limits: { minShards: 1, maxShards: 1, minParallelism: 1, maxParallelism: 1 } },
  };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(500);
  }
  return Date.now() - started;
}

async function countWhere(client: Client, condition: string): Promise<number> {
  return (await client.workflow.count(`TaskQueue = '${TASK_QUEUE}' AND ${condition}`)).count;
}

async function createAll(stack: BenchStack, ids: string[]): Promise<Record<string, number>> {
  const statuses: Record<string, number> = {};
  await Promise.all(ids.map(async (id) => {
    const response = await fetch(`${stack.apiUrl}/pipelines`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec(id)),
    });
    await response.body?.cancel();
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  }));
  return statuses;
}

async function deleteAll(stack: BenchStack, ids: string[]): Promise<Record<string, number>> {
  const statuses: Record<string, number> = {};
  await Promise.all(ids.map(async (id) => {
    const response = await fetch(`${stack.apiUrl}/pipelines/${id}`, { method: 'DELETE' });
    await response.body?.cancel();
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  }));
  return statuses;
}

/** Why pipelines ended FAILED: their lastError (step: message), counted. */
async function failureReasons(stack: BenchStack, client: Client): Promise<Record<string, number>> {
  const reasons: Record<string, number> = {};
  for await (const execution of client.workflow.list({ query: `TaskQueue = '${TASK_QUEUE}' AND PipelinePhase = 'FAILED'` })) {
    const id = execution.workflowId.replace(/^pipeline-/, '');
    const response = await fetch(`${stack.apiUrl}/pipelines/${id}`).catch(() => undefined);
    const body = response?.ok ? await response.json() as { lastError?: { step: string; message: string } | null } : undefined;
    const reason = body?.lastError ? `${body.lastError.step}: ${body.lastError.message.replace(/bench-\d+/g, 'bench-N').slice(0, 160)}` : 'unknown';
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  return reasons;
}

async function phaseCounts(client: Client): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const phase of ['PROVISIONING', 'STARTING', 'RUNNING', 'SCALING', 'ROLLING_BACK', 'TEARING_DOWN', 'DELETED', 'DEGRADED', 'FAILED']) {
    const n = await countWhere(client, `PipelinePhase = '${phase}'`);
    if (n > 0) counts[phase] = n;
  }
  return counts;
}

async function collectHistories(client: Client, ids: string[]): Promise<HistoryFacts[]> {
  const facts: HistoryFacts[] = [];
  // A few at a time: 200 full histories at once would itself be a load test of the dev server.
  for (let i = 0; i < ids.length; i += 10) {
    const batch = ids.slice(i, i + 10);
    const results = await Promise.all(batch.map(async (id) => {
      const runs: HistoryFacts[] = [];
      for await (const execution of client.workflow.list({ query: `WorkflowId = 'pipeline-${id}'` })) {
        const history = await client.workflow.getHandle(`pipeline-${id}`, execution.runId).fetchHistory();
        runs.push(analyseHistory(`pipeline-${id}`, history.events ?? []));
      }
      return runs;
    }));
    facts.push(...results.flat());
  }
  return facts;
}

/** `--rerender`: the last run's figures, unchanged, with the machine's description from `--machine`. */
async function rerender(): Promise<void> {
  const path = resolve(ROOT, `bench/out/${args.section}.json`);
  const result = JSON.parse(await readFile(path, 'utf8')) as ControlPlaneResult;
  result.machine.note = args.machine;
  await writeJson(`bench/out/${args.section}.json`, result);
  await writeDocSection(args.section, markdown(result, args.title, commandFlags(result.parameters.temporal ?? 'dev', result.parameters.runtime ?? 'tsx')));
  log(`re-rendered the ${args.section} section of docs/reliability.md from ${path}`);
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const uptimes: Record<string, string> = { start: uptime() };
  log(`control-plane benchmark: ${PIPELINES} pipelines, ${MINUTES} min steady, ${INTERVAL} s ticks; ${uptimes.start}`);
  if (RUNTIME === 'compiled') {
    // Always this checkout's code: a dist/ left from another commit would measure that one.
    log('npm run build…');
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  const stack = await startBenchStack({ emulatorProfile: 'test', apiRates: API_RATES, temporal: TOPOLOGY, runtime: RUNTIME, log });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  const workerPid = await nodeChildOf(stack.worker.pid as number);
  const apiPid = await nodeChildOf(stack.api.pid as number);
  // The dev server (history, matching, SQLite) serves every workflow task: its CPU says whether it is the bottleneck.
  const temporalPid = await stack.serverProcesses();
  // Both sides' metrics at each phase boundary: the difference says where the phase's task time went.
  const metricsNow = async (): Promise<[Scrape, Scrape]> => [await scrape(stack.workerMetricsUrl), await scrapeAll(stack.serverMetricsUrls)];
  const split = (from: [Scrape, Scrape], to: [Scrape, Scrape]): TaskTimeSplit => taskTimeSplit([from[0], to[0]], [from[1], to[1]]);
  try {
    const ids = Array.from({ length: PIPELINES }, (_, i) => `bench-${String(i).padStart(3, '0')}`);

    log(`creating ${PIPELINES} pipelines at once…`);
    const atCreate = await metricsNow();
    const createStarted = Date.now();
    uptimes.create = uptime();
    const createStatuses = await createAll(stack, ids);
    const createAnsweredMs = Date.now() - createStarted;
    // A run that cannot bring every pipeline up in time goes on with those that are: that is a finding, reported.
    let toRunningMs = NaN;
    try {
      toRunningMs = await waitFor('all pipelines RUNNING', async () => (await countWhere(client, `PipelinePhase = 'RUNNING'`)) >= PIPELINES, CREATE_WAIT_MS)
        + createAnsweredMs;
      log(`all ${PIPELINES} RUNNING after ${(toRunningMs / 1000).toFixed(1)} s (POSTs answered in ${(createAnsweredMs / 1000).toFixed(1)} s: ${JSON.stringify(createStatuses)})`);
    } catch (err) {
      log(`not all RUNNING: ${err instanceof Error ? err.message : String(err)}`);
    }
    const phasesAfterCreate = await phaseCounts(client);
    log(`phases after create: ${JSON.stringify(phasesAfterCreate)}`);
    const createCalls = callsPerApi(stack, createStarted, Date.now());
    const createEnded = Date.now();
    const atSteady = await metricsNow();

    const workerCpu = new ProcSampler(workerPid);
    const apiCpu = new ProcSampler(apiPid);
    const temporalCpu = new ProcSampler(temporalPid);
    await workerCpu.start();
    await apiCpu.start();
    await temporalCpu.start();
    const steadyStart = Date.now();
    const steadyEnd = steadyStart + MINUTES * 60_000;

    // The read benchmarks run inside the steady window, after a minute of it (or a sixth of a short run).
    await sleep(Math.min(60_000, (MINUTES * 60_000) / 6));
    const atReads = await metricsNow();
    log(`read path: GET /pipelines/:id at 200/s from 20 connections for ${READ_SECONDS} s (after reading each pipeline once)…`);
    uptimes.statusReads = uptime();
    const statusReads: ReadRun = await readLoadInChild({ kind: 'status', apiUrl: stack.apiUrl, ids, rate: 200, connections: 20, seconds: READ_SECONDS });
    log(`  warm-up ${JSON.stringify(statusReads.warmup)}; p50 ${statusReads.latencyMs.p50} ms, p99 ${statusReads.latencyMs.p99} ms, 5xx ${statusReads.errors5xx}`);
    log(`the same from 20 independent clients (their seconds 50 ms apart) for ${READ_SECONDS} s…`);
    uptimes.statusReadsSpread = uptime();
    const spreadReads: ReadRun = await readLoadInChild({ kind: 'status-spread', apiUrl: stack.apiUrl, ids, rate: 200, connections: 20, seconds: READ_SECONDS });
    log(`  p50 ${spreadReads.latencyMs.p50} ms, p99 ${spreadReads.latencyMs.p99} ms, 5xx ${spreadReads.errors5xx}`);
    log(`visibility: GET /pipelines at 50/s from 10 connections for ${READ_SECONDS} s…`);
    uptimes.listReads = uptime();
    const listReads: ReadRun = await readLoadInChild({ kind: 'list', apiUrl: stack.apiUrl, ids: [], rate: 50, connections: 10, seconds: READ_SECONDS });
    log(`  p50 ${listReads.latencyMs.p50} ms, p99 ${listReads.latencyMs.p99} ms, 5xx ${listReads.errors5xx}`);
    const afterReads = await metricsNow();

    while (Date.now() < steadyEnd) {
      await sleep(Math.min(30_000, steadyEnd - Date.now()));
      const last = workerCpu.samples.at(-1);
      log(`steady: ${Math.round((Date.now() - steadyStart) / 1000)} s; worker CPU ${last?.cpuPercentOfOneCore ?? '?'} %, RSS ${last?.rssMb ?? '?'} MB`);
    }
    workerCpu.stop();
    apiCpu.stop();
    temporalCpu.stop();
    const loadDuring = loadavg();
    uptimes.endOfSteady = uptime();
    const awsCalls = callsPerApi(stack, steadyStart, steadyEnd);
    const atDelete = await metricsNow();
    const phasesAfterSteady = await phaseCounts(client);
    log(`phases after the steady window: ${JSON.stringify(phasesAfterSteady)}`);

    log(`deleting ${PIPELINES} pipelines at once…`);
    const deleteStarted = Date.now();
    let deletion: ControlPlaneResult['delete'];
    try {
      const statuses = await deleteAll(stack, ids);
      const allClosedMs = await waitFor('all pipelines closed', async () => (await countWhere(client, `ExecutionStatus = 'Running'`)) === 0, CREATE_WAIT_MS);
      deletion = { statuses, allClosedMs, inPhaseDeleted: await countWhere(client, `PipelinePhase = 'DELETED'`), phases: await phaseCounts(client) };
      log(`all closed after ${((Date.now() - deleteStarted) / 1000).toFixed(1)} s; ${deletion.inPhaseDeleted} in phase DELETED`);
    } catch (err) {
      // A failed phase is a finding: it is reported with what was measured before it.
      deletion = { statuses: {}, allClosedMs: NaN, inPhaseDeleted: 0, phases: await phaseCounts(client).catch(() => ({})), error: err instanceof Error ? err.message : String(err) };
      log(`delete phase failed: ${deletion.error}`);
    }
    const deleteCalls = callsPerApi(stack, deleteStarted, Date.now());
    const afterDelete = await metricsNow();
    const deleteEnded = Date.now();
    const failed = await failureReasons(stack, client).catch((err: unknown) => ({ [`unreadable: ${String(err)}`]: 1 }));
    log(`FAILED pipelines by reason: ${JSON.stringify(failed)}`);
    uptimes.end = uptime();

    log('reading the histories…');
    const histories = await collectHistories(client, ids).catch((err: unknown) => {
      log(`histories unreadable: ${err instanceof Error ? err.message : String(err)}`);
      return [] as HistoryFacts[];
    });
    const result: ControlPlaneResult = {
      generatedAt: new Date().toISOString(),
      machine: {
        loadAverageBefore: loadBefore,
        loadAverageEndOfSteady: loadDuring,
        uptime: uptimes,
        note: args.machine,
      },
      parameters: {
        pipelines: PIPELINES, steadyMinutes: MINUTES, intervalSeconds: INTERVAL, emulatorProfile: 'test', awsApiRatesEnforced: API_RATES, replay: false,
        temporal: TOPOLOGY, runtime: RUNTIME,
      },
      create: { statuses: createStatuses, postsAnsweredMs: createAnsweredMs, allRunningMs: toRunningMs, phases: phasesAfterCreate, waitedMinutes: CREATE_WAIT_MS / 60_000 },
      delete: deletion,
      worker: {
        cpuPercentOfOneCore: distribution(workerCpu.samples.map((s) => s.cpuPercentOfOneCore)),
        meanCpuPercentOfOneCore: mean(workerCpu.samples.map((s) => s.cpuPercentOfOneCore)),
        rssMb: distribution(workerCpu.samples.map((s) => s.rssMb)),
        slowTaskWarnings: stack.workerLines.filter((l) => /exceeded|timed out|TimedOut/i.test(l)).length,
        // What the worker warned about (first and last few, cut short), so a run says why, not only how often.
        warningSample: sampleLines(stack.workerLines.filter((l) => /warn|error|exceeded|timed out/i.test(l))),
        cpuSamples: workerCpu.samples.map((s) => ({ atMs: s.atMs, cpu: s.cpuPercentOfOneCore })),
      },
      api: { cpuPercentOfOneCore: distribution(apiCpu.samples.map((s) => s.cpuPercentOfOneCore)) },
      temporalServer: {
        cpuPercentOfOneCore: distribution(temporalCpu.samples.map((s) => s.cpuPercentOfOneCore)),
        rssMb: distribution(temporalCpu.samples.map((s) => s.rssMb)),
      },
      workflowTasks: {
        runMs: distribution(histories.flatMap((h) => h.taskRunMs)),
        over1s: histories.reduce((n, h) => n + h.taskRunMs.filter((d) => d > 1000).length, 0),
        steadyRunMs: distribution(histories.flatMap((h) => h.taskRunMs.filter((_, i) => inWindow(h.taskStartedAtMs[i], steadyStart, steadyEnd)))),
        steadyOver1s: histories.reduce((n, h) => n + h.taskRunMs.filter((d, i) => d > 1000 && inWindow(h.taskStartedAtMs[i], steadyStart, steadyEnd)).length, 0),
        byMinute: byMinute(histories, createStarted),
        waitMs: distribution(histories.flatMap((h) => h.taskWaitMs)),
        stickyWaitMsByPhase: stickyWaitsByPhase(histories, { createStarted, steadyStart, steadyEnd: deleteStarted }),
        timeouts: histories.reduce((n, h) => n + h.taskTimeouts, 0),
        timeoutsByType: countBy(histories.flatMap((h) => Object.entries(h.taskTimeoutTypes).flatMap(([type, n]) => Array<string>(n).fill(type)))),
        timeoutsByPhase: countBy(histories.flatMap((h) => h.taskTimeoutAtMs.map((at) => phaseAt(at, { createStarted, steadyStart, steadyEnd: deleteStarted })))),
        failures: histories.reduce((n, h) => n + h.taskFailures, 0),
      },
      ticks: {
        latenessMs: distribution(histories.flatMap((h) => h.tickLatenessMs)),
        steadyLatenessMs: distribution(histories.flatMap((h) => h.tickLatenessMs.filter((_, i) => inWindow(h.tickDueAtMs[i], steadyStart, steadyEnd)))),
      },
      histories: {
        runs: histories.length,
        largestEvents: histories.reduce((n, h) => Math.max(n, h.events), 0),
        meanEvents: mean(histories.map((h) => h.events)),
        continuedAsNew: histories.filter((h) => h.continuedAsNew).length,
        eventsPerTick: eventsPerTick(histories),
      },
      awsCallsDuringSteady: awsCalls,
      awsCallsDuringCreate: createCalls,
      awsCallsDuringDelete: deleteCalls,
      phasesAfterSteady,
      failedByReason: failed,
      temporalServerErrors: stack.serverErrors().slice(-20),
      temporalServerErrorCount: stack.serverErrors().length,
      reads: { status: statusReads, statusSpread: spreadReads, list: listReads },
      taskTime: {
        create: split(atCreate, atSteady),
        // The steady window without the read load (the ticks alone), and the read load's minute on its own.
        steadyTicks: split(afterReads, atDelete),
        duringReads: split(atReads, afterReads),
        delete: split(atDelete, afterDelete),
        windowsMs: { create: [createStarted, createEnded], steadyTicks: [steadyStart, steadyEnd], delete: [deleteStarted, deleteEnded] },
      },
    };
    if (!args['no-write']) {
      const path = await writeJson(`bench/out/${args.section}.json`, result);
            await writeDocSection(args.section, markdown(result, args.title, commandFlags()));
      log(`wrote ${path} and the ${args.section} section of docs/reliability.md`);
    }
    log(JSON.stringify({ workflowTasks: result.workflowTasks, ticks: result.ticks, worker: result.worker, taskTime: result.taskTime }, null, 2));
  } finally {
    await connection.close();
    await stack.stop();
  }
}

/** Workflow-task run times per minute of the run (from the creation): shows whether slow tasks come in bursts, and when. */
function byMinute(histories: HistoryFacts[], fromMs: number) {
  const minutes = new Map<number, number[]>();
  for (const h of histories) {
    h.taskRunMs.forEach((d, i) => {
      const minute = Math.floor(((h.taskStartedAtMs[i] ?? fromMs) - fromMs) / 60_000);
      const runs = minutes.get(minute) ?? [];
      runs.push(d);
      minutes.set(minute, runs);
    });
  }
  return [...minutes.entries()].sort(([a], [b]) => a - b).map(([minute, runs]) => {
    const d = distribution(runs);
    return { minute, tasks: d.count, p50: d.p50, p99: d.p99, max: d.max, over1s: runs.filter((r) => r > 1000).length };
  });
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

/** Create until the steady window; steady until the delete began; delete after. */
function phaseAt(atMs: number, t: { createStarted: number; steadyStart: number; steadyEnd: number }): string {
  if (atMs < t.steadyStart) return 'create';
  return atMs < t.steadyEnd ? 'steady' : 'delete';
}

/** How long sticky-queue tasks waited to start, per phase: the margin to the sticky queue's 10 s schedule-to-start timeout. */
function stickyWaitsByPhase(histories: HistoryFacts[], t: { createStarted: number; steadyStart: number; steadyEnd: number }): Record<string, Distribution> {
  const waits: Record<string, number[]> = {};
  for (const h of histories) {
    h.stickyWaitMs.forEach((wait, i) => {
      (waits[phaseAt(h.stickyScheduledAtMs[i] as number, t)] ??= []).push(wait);
    });
  }
  return Object.fromEntries(Object.entries(waits).map(([phase, values]) => [phase, distribution(values)]));
}

function sampleLines(lines: string[]): string[] {
  const cut = (l: string) => l.slice(0, 400);
  return lines.length <= 20 ? lines.map(cut) : [...lines.slice(0, 10), `… ${lines.length - 20} more …`, ...lines.slice(-10)].map(cut);
}

function inWindow(atMs: number | undefined, fromMs: number, toMs: number): boolean {
  return atMs !== undefined && atMs >= fromMs && atMs < toMs;
}

function mean(values: number[]): number {
  return values.length === 0 ? NaN : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;
}

/** History events per control-loop tick, from the pipeline with the most ticks. */
function eventsPerTick(histories: HistoryFacts[]): number {
  const busiest = histories.reduce<HistoryFacts | undefined>((best, h) => (!best || h.tickLatenessMs.length > best.tickLatenessMs.length ? h : best), undefined);
  if (!busiest || busiest.tickLatenessMs.length === 0) return NaN;
  return Math.round((busiest.events / busiest.tickLatenessMs.length) * 10) / 10;
}

(args.rerender ? rerender() : main()).catch((err: unknown) => {
  process.stderr.write(`control-plane benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
