/** The control-plane benchmark's result, and its section of docs/reliability.md. */
import type { Distribution } from './history.js';
import type { HistogramDelta, TaskTimeSplit } from './prom.js';
import type { ReadRun } from './reads.js';
import { fmt, table } from './report.js';


export interface ControlPlaneResult {
  generatedAt: string;
  machine: { loadAverageBefore: number[]; loadAverageEndOfSteady: number[]; uptime: Record<string, string>; note: string };
  parameters: {
    pipelines: number; steadyMinutes: number; intervalSeconds: number; emulatorProfile: string; awsApiRatesEnforced: boolean; replay: boolean;
    /** Absent in runs before the option existed: the dev server. */
    temporal?: 'dev' | 'cluster';
    /** How the worker and API ran; absent in runs before the option existed: from TypeScript (tsx). */
    runtime?: 'compiled' | 'tsx';
  };
  create: { statuses: Record<string, number>; postsAnsweredMs: number; allRunningMs: number; phases: Record<string, number>; waitedMinutes: number };
  delete: { statuses: Record<string, number>; allClosedMs: number; inPhaseDeleted: number; phases: Record<string, number>; error?: string };
  worker: {
    cpuPercentOfOneCore: Distribution; meanCpuPercentOfOneCore: number; rssMb: Distribution; slowTaskWarnings: number;
    warningSample?: string[]; cpuSamples?: Array<{ atMs: number; cpu: number }>;
  };
  api: { cpuPercentOfOneCore: Distribution };
  temporalServer?: { cpuPercentOfOneCore: Distribution; rssMb: Distribution };
  workflowTasks: {
    runMs: Distribution; over1s: number; waitMs: Distribution; timeouts: number; failures: number;
    timeoutsByType?: Record<string, number>; timeoutsByPhase?: Record<string, number>;
    /** How long sticky-queue tasks waited to start, by phase (create/steady/delete): the margin to its 10 s timeout. */
    stickyWaitMsByPhase?: Record<string, Distribution>;
    /** Tasks that started inside the steady window (the ticks), apart from create/delete at once. */
    steadyRunMs?: Distribution; steadyOver1s?: number;
    byMinute?: Array<{ minute: number; tasks: number; p50: number; p99: number; max: number; over1s: number }>;
  };
  /** Lateness of every tick of the run, and of the ticks due inside the steady window (not the create/delete bursts). */
  ticks: { latenessMs: Distribution; steadyLatenessMs?: Distribution };
  histories: { runs: number; largestEvents: number; meanEvents: number; continuedAsNew: number; eventsPerTick: number };
  awsCallsDuringSteady: ApiCalls[];
  awsCallsDuringCreate: ApiCalls[];
  awsCallsDuringDelete: ApiCalls[];
  phasesAfterSteady: Record<string, number>;
  failedByReason: Record<string, number>;
  temporalServerErrors: string[];
  temporalServerErrorCount?: number;
  /** statusSpread: absent in runs before it was measured. */
  reads: { status: ReadRun; statusSpread?: ReadRun; list: ReadRun };
  /** Where workflow-task time went, per phase, from the worker's and the server's metrics. */
  taskTime?: {
    create: TaskTimeSplit; steadyTicks: TaskTimeSplit; duringReads: TaskTimeSplit; delete: TaskTimeSplit;
    windowsMs: Record<string, number[]>;
  };
}

const TOPOLOGY_TEXT = {
  dev: 'the Temporal dev server on SQLite',
  cluster: 'Temporal in the production topology (frontend, history, matching and worker services on PostgreSQL, scripts/cluster/)',
} as const;

/** A histogram from bucket bounds: "n tasks, p50 ≤ x / p99 ≤ y ms, k over 1 s". */
function hist(h: HistogramDelta): string {
  if (h.count === 0) return 'not measured';
  const over = h.overMs === 1000 ? 'over 1 s' : `over ${fmt(h.overMs)} ms`;
  const q = (v: number | null) => (v === null ? `> ${fmt(h.largestBoundMs)}` : `≤ ${fmt(v)}`);
  return `${fmt(h.count)}, mean ${fmt(h.meanMs, 1)} ms, p50 ${q(h.p50AtMostMs)} / p99 ${q(h.p99AtMostMs)} ms, ${fmt(h.over1s)} ${over}`;
}

/** Each phase: the worker's share and the server's share of workflow-task time, side by side. */
function taskTimeTable(t: NonNullable<ControlPlaneResult['taskTime']>): string {
  const phases: Array<[string, TaskTimeSplit]> = [
    ['create at once', t.create], ['steady: ticks', t.steadyTicks], ['steady: during the read load', t.duringReads], ['delete at once', t.delete],
  ];
  const rows: Array<[string, (s: TaskTimeSplit) => string]> = [
    ['worker: task execution (SDK, activation in → completion out)', (s) => hist(s.workerExecution)],
    ['worker: sticky-cache misses (full-history replays) / forced evictions', (s) => `${fmt(s.stickyCacheMisses)} / ${fmt(s.stickyCacheForcedEvictions)}`],
    ['worker: schedule-to-start', (s) => hist(s.workerScheduleToStart)],
    ['worker → server: RespondWorkflowTaskCompleted round trip', (s) => hist(s.respondCompletedRpc)],
    ['server: RespondWorkflowTaskCompleted (history service)', (s) => hist(s.serverRespondCompleted)],
    ['server: RecordWorkflowTaskStarted (a poll taking a task)', (s) => hist(s.serverRecordTaskStarted)],
    ['server: persistence UpdateWorkflowExecution', (s) => hist(s.serverUpdateWorkflowExecution)],
  ];
  return table(['', ...phases.map(([name]) => name)], rows.map(([label, cell]) => [label, ...phases.map(([, s]) => cell(s))]));
}

export interface ApiCalls {
  api: string;
  calls: number;
  errors: number;
  throttled: number;
  meanPerSecond: number;
  peakPerSecond: number;
  awsLimitPerSecond: string | null;
}

/** One row per API: its AWS limit, then each phase's mean and peak calls/s and throttled calls. */
function callsTable(r: ControlPlaneResult): string {
  const apis = [...new Set([...r.awsCallsDuringCreate, ...r.awsCallsDuringSteady, ...r.awsCallsDuringDelete].map((c) => c.api))].sort();
  const cell = (list: ApiCalls[], api: string) => {
    const c = list.find((x) => x.api === api);
    return c === undefined ? '—' : `${fmt(c.meanPerSecond, 2)} / ${c.peakPerSecond} (${c.throttled})`;
  };
  const limit = (api: string) => [...r.awsCallsDuringCreate, ...r.awsCallsDuringSteady, ...r.awsCallsDuringDelete]
    .find((c) => c.api === api)?.awsLimitPerSecond ?? 'not limited';
  return table(['API', 'AWS limit', 'create: mean / peak per s (throttled)', 'steady', 'delete'],
    apis.map((api) => [api, limit(api), cell(r.awsCallsDuringCreate, api), cell(r.awsCallsDuringSteady, api), cell(r.awsCallsDuringDelete, api)]));
}

const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
const dist = (d: Distribution, unit = 'ms') => `p50 ${fmt(d.p50)} / p90 ${fmt(d.p90)} / p99 ${fmt(d.p99)} / max ${fmt(d.max)} ${unit}`;

function timeoutDetail(r: ControlPlaneResult): string {
  const { timeoutsByType, timeoutsByPhase } = r.workflowTasks;
  if (r.workflowTasks.timeouts === 0 || !timeoutsByType || !timeoutsByPhase) return '';
  return ` (by kind ${JSON.stringify(timeoutsByType)}, by phase ${JSON.stringify(timeoutsByPhase)})`;
}

/** The margin to the sticky queue's 10 s schedule-to-start timeout, per phase (runs before 2026-12-02 05:40 did not record it). */
function stickyMargin(r: ControlPlaneResult): string {
  const byPhase = r.workflowTasks.stickyWaitMsByPhase;
  if (byPhase === undefined) return '';
  return `; sticky-queue tasks (10 s timeout) waited to start: ${
    Object.entries(byPhase).map(([phase, d]) => `${phase} p99 ${fmt(d.p99)} / max ${fmt(d.max)} ms`).join(', ')}`;
}

export function markdown(r: ControlPlaneResult, title = 'Control plane at scale', extraArgs = ''): string {
  const p = r.parameters;
  const serverName = p.temporal === 'cluster' ? 'Temporal cluster (four services and PostgreSQL)' : 'Temporal dev server (SQLite)';
  const ticksPerHour = 3600 / p.intervalSeconds;
  const hoursToSuggestedCan = Number.isFinite(r.histories.eventsPerTick) ? 4096 / (r.histories.eventsPerTick * ticksPerHour) : NaN;
  const s = r.reads.status;
  const l = r.reads.list;
  return [
    `## ${title}`,
    '',
    `Generated by \`npm run bench:control-plane -- --pipelines ${p.pipelines} --minutes ${p.steadyMinutes} --interval ${p.intervalSeconds}${extraArgs}\` `
      + `on ${r.generatedAt.slice(0, 16).replace('T', ' ')} UTC. One worker process, one API process `
      + `(${(p.runtime ?? 'tsx') === 'compiled' ? 'compiled by `npm run build` first and run from `dist/` as shipped' : 'from TypeScript through tsx; the worker bundles the workflow code with webpack at start'}), `
      + `${TOPOLOGY_TEXT[p.temporal ?? 'dev']}, `
      + `the emulator (profile \`${p.emulatorProfile}\`, no replay). Load average before the run ${r.machine.loadAverageBefore.map((x) => x.toFixed(1)).join(' ')}, `
      + `at the end of the steady phase ${r.machine.loadAverageEndOfSteady.map((x) => x.toFixed(1)).join(' ')} (${r.machine.note}). `
      + `The emulator ${p.awsApiRatesEnforced ? 'enforced' : 'did not enforce'} AWS's per-API request rates.`,
    '',
    '`uptime` at each phase:',
    '',
    ...Object.entries(r.machine.uptime).map(([phase, line]) => `- ${phase}: \`${line}\``),
    '',
    table(['Target', 'Measured', 'Verdict'], [
      ['worker CPU < 50 % of one core', `mean ${fmt(r.worker.meanCpuPercentOfOneCore, 1)} %, ${dist(r.worker.cpuPercentOfOneCore, '%')}`, verdict(r.worker.meanCpuPercentOfOneCore < 50)],
      ['worker RSS < 1 GB', `max ${fmt(r.worker.rssMb.max)} MB`, verdict(r.worker.rssMb.max < 1024)],
      ['no workflow task over 1 s', `${r.workflowTasks.over1s} over 1 s; ${dist(r.workflowTasks.runMs)}`, verdict(r.workflowTasks.over1s === 0)],
      ['no workflow-task timeouts (create/delete all at once)', `${r.workflowTasks.timeouts} timeouts${timeoutDetail(r)}, ${r.workflowTasks.failures} failures${stickyMargin(r)}`, verdict(r.workflowTasks.timeouts === 0)],
      ticksRow(r.ticks),
      ['`GET /pipelines/:id` 200/s from 20 clients: p99 < 100 ms, no 5xx',
        `${fmt(s.achievedRatePerSecond)}/s, p50 ${fmt(s.latencyMs.p50)} / p99 ${fmt(s.latencyMs.p99)} ms, ${s.errors5xx} 5xx`,
        verdict(s.latencyMs.p99 < 100 && s.errors5xx === 0 && s.connectionErrors === 0)],
      ...(r.reads.statusSpread ? [[
        '… the same from 20 independent clients (each 10/s, their seconds 50 ms apart)',
        `${fmt(r.reads.statusSpread.achievedRatePerSecond)}/s, p50 ${fmt(r.reads.statusSpread.latencyMs.p50)} / p99 ${fmt(r.reads.statusSpread.latencyMs.p99)} ms, `
          + `${r.reads.statusSpread.errors5xx} 5xx`,
        verdict(r.reads.statusSpread.latencyMs.p99 < 100 && r.reads.statusSpread.errors5xx === 0 && r.reads.statusSpread.connectionErrors === 0),
      ]] : []),
      ['`GET /pipelines` 50/s: p99 < 200 ms', `${fmt(l.achievedRatePerSecond)}/s, p50 ${fmt(l.latencyMs.p50)} / p99 ${fmt(l.latencyMs.p99)} ms, ${l.errors5xx} 5xx`,
        verdict(l.latencyMs.p99 < 200 && l.errors5xx === 0)],
    ]),
    '',
    `- **Create ${p.pipelines} at once**: all POSTs answered in ${fmt(r.create.postsAnsweredMs / 1000, 1)} s (${JSON.stringify(r.create.statuses)}); `
      + (Number.isFinite(r.create.allRunningMs)
        ? `all RUNNING after ${fmt(r.create.allRunningMs / 1000, 1)} s.`
        : `**not all RUNNING within ${r.create.waitedMinutes} min** (phases then: ${JSON.stringify(r.create.phases)}); the run went on with them as they were.`),
    `- **Phases after the steady window**: ${JSON.stringify(r.phasesAfterSteady)}.`,
    r.delete.error !== undefined
      ? `- **Delete ${p.pipelines} at once**: the phase failed in this run: ${r.delete.error} (phases then: ${JSON.stringify(r.delete.phases)}).`
      : `- **Delete ${p.pipelines} at once**: ${JSON.stringify(r.delete.statuses)}; all workflows closed after ${fmt(r.delete.allClosedMs / 1000, 1)} s, `
        + `${r.delete.inPhaseDeleted} in phase DELETED (phases: ${JSON.stringify(r.delete.phases)}).`,
    `- **Pipelines that ended FAILED, by their last error**: ${Object.keys(r.failedByReason).length === 0 ? 'none' : Object.entries(r.failedByReason).map(([reason, n]) => `${n} × \`${reason}\``).join('; ')}.`,
    `- **Workflow tasks**: waited for a worker ${dist(r.workflowTasks.waitMs)}; ran ${dist(r.workflowTasks.runMs)}` +
      (r.workflowTasks.steadyRunMs ? `; of those, the steady window's ran ${dist(r.workflowTasks.steadyRunMs)} (${r.workflowTasks.steadyOver1s} over 1 s).` : '.'),
    `- **Status reads**: before the measured window each pipeline was read once (${s.warmup?.reads ?? 0} reads, ${s.warmup?.failed ?? 0} failed, `
      + `${fmt(s.warmup?.seconds ?? NaN, 1)} s): reads after a pipeline's first are served from its snapshot. In the window ${s.freshness?.fromCache ?? 0} `
      + `were served from snapshots and ${s.freshness?.fromQuery ?? 0} waited for the workflow; the oldest answer served was `
      + `${s.freshness?.maxAgeMs ?? 0} ms old, p99 ${s.freshness?.p99AgeMs ?? 0} ms (bound: API_READ_MAX_STALENESS_MS). Status codes ${JSON.stringify(s.statusCounts)}, `
      + `list ${JSON.stringify(l.statusCounts)}. The load ran in its own process (autocannon, fixed rate: each second's 200 requests sent at its start, `
      + `20 in flight, so the p99 is about the time the API takes to answer all 200 — on a loaded machine, its share of the CPU; the row below it spreads `
      + `the 20 clients' seconds instead), after ${s.warmupSeconds ?? 0} s of the same load not counted; latencies as measured, without autocannon's coordinated-omission `
      + 'correction, which assumes 1 ms between a connection\'s requests and so adds D−1 invented samples for every D-ms response (bench/control-plane/reads.ts).',
    `- **Histories**: largest ${r.histories.largestEvents} events, mean ${fmt(r.histories.meanEvents)} over ${r.histories.runs} runs; `
      + `${r.histories.continuedAsNew} continued as new during the run. About ${fmt(r.histories.eventsPerTick, 1)} events per tick, so at `
      + `${p.intervalSeconds} s ticks a pipeline reaches Temporal's continue-as-new suggestion (4,096 events by default) about every ${fmt(hoursToSuggestedCan, 1)} h and continues as new then.`,
    `- API process CPU: ${dist(r.api.cpuPercentOfOneCore, '%')}.`,
    ...(r.temporalServer ? [`- ${serverName} during the steady window: CPU ${dist(r.temporalServer.cpuPercentOfOneCore, '%')}, RSS max ${r.temporalServer.rssMb.max} MB.`] : []),
    `- ${serverName} error lines: ${r.temporalServerErrorCount ?? r.temporalServerErrors.length}${r.temporalServerErrors.length > 0 ? ` (last: \`${r.temporalServerErrors.at(-1)?.slice(0, 200)}\`)` : ''}.`,
    ...(r.taskTime ? [
      '',
      'Where workflow-task time went, per phase (the worker\'s SDK metrics and the Temporal server\'s, both Prometheus histograms scraped '
        + 'at each phase\'s start and end; quantiles are bucket bounds, so "p99 ≤ 500 ms" means the 99th percentile fell in the bucket ending at 500 ms). '
        + 'A history\'s task "run" time (above) runs from the server recording the task started to it recording the completion, so it contains '
        + 'the worker\'s execution and the RespondWorkflowTaskCompleted round trip; the rows below tell those apart.',
      '',
      taskTimeTable(r.taskTime),
    ] : []),
    '',
    `AWS calls per API (${p.pipelines} pipelines), by phase: create at once, the ${p.steadyMinutes}-minute steady window, delete at once. `
      + 'The worker paces its calls at AWS\'s per-account rates (activities/aws/pacing.ts); a call throttled nonetheless (the '
      + 'emulator\'s one-second window and the worker\'s differ by the network\'s jitter) was answered with the service\'s throttling '
      + 'error and retried with backoff.',
    '',
    callsTable(r),
    '',
    '### Known limits',
    '',
    ...CONTROL_PLANE_KNOWN_LIMITS.map((k) => `- ${k}`),
    ...(p.temporal === 'cluster' ? [`- ${CLUSTER_ON_ONE_MACHINE}`] : []),
  ].join('\n');
}

/** What a single run does not show, found across runs, with the reason (written by hand here, rendered with every run). */
const CONTROL_PLANE_KNOWN_LIMITS: string[] = [
  'Deleting 200 at once is the burst closest to a limit. The 200 teardown signals arrive together and their first workflow tasks queue ' +
    'on the worker\'s sticky queue, whose schedule-to-start timeout is 10 s (the timeouts row shows how long they waited). Until the worker ' +
    'paced its AWS calls (activities/aws/pacing.ts, 2026-12-02), those tasks waited up to 9–10 s: the teardowns\' StopApplication, ' +
    'DeleteApplication and DeleteStream calls (5 per second each under AWS\'s rates) were throttled about 5,900 times per burst, the ' +
    'worker re-sent them on the thread that also hands it its workflow tasks, and with the Temporal server on the same two cores the ' +
    'machine was saturated; one of four runs (03:26, load 3–4) had 15 SCHEDULE_TO_START timeouts. Paced, three full runs on an otherwise ' +
    'idle machine (06:02, 06:19 and 06:35) had 0 timeouts; their longest waits were 4.9, 4.5 and 7.8 s (the third run slower throughout: its create burst waited up to 1.1 s against 0.3 s), and of about 2,000 calls per burst 0–1 were throttled in the creates and 2–48 in the deletes. A longer ' +
    'sticky timeout was not the fix: it delays failover after a worker crash by as much (30 s made test/e2e/provisioning-crash.test.ts fail).',
];

/** Why the production topology's run on this machine is not the sizing figure (rendered only for `--temporal cluster`). */
const CLUSTER_ON_ONE_MACHINE =
  'Here the production topology runs on the benchmark\'s own two cores: Temporal\'s four services and PostgreSQL (their CPU is listed ' +
  'above) share them with the worker, the API, the emulator and the load generator. The targets that move with that share of the CPU — ' +
  'ticks\' lateness, a task over 1 s in a burst, the read p99 when each second\'s 200 requests are sent at once — are the ones to compare ' +
  'with the dev-server section on the same machine, not with a deployment that gives Temporal its own hosts (README, Production topology).';

/** On time: less than this late (a tenth of the 10 s tick; CloudWatch's periods are 60 s). */
const TICK_ON_TIME_MS = 1_000;

/** The steady window's ticks are the target; the create/delete bursts' ticks are reported beside them. Older runs: reported only. */
function ticksRow(ticks: ControlPlaneResult['ticks']): string[] {
  const all = `whole run (with the create and delete bursts): ${dist(ticks.latenessMs)} over ${ticks.latenessMs.count} ticks`;
  const steady = ticks.steadyLatenessMs;
  if (steady === undefined) return ['ticks on time', `lateness ${dist(ticks.latenessMs)} over ${ticks.latenessMs.count} ticks`, 'reported'];
  return [
    `ticks on time (due in the steady window, under ${TICK_ON_TIME_MS / 1000} s late)`,
    `lateness ${dist(steady)} over ${steady.count} ticks; ${all}`,
    verdict(steady.count > 0 && steady.max < TICK_ON_TIME_MS),
  ];
}
