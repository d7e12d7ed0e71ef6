/**
 * The `faults` section of docs/reliability.md, generated from one bench:faults run.
 */
import type { EmulatorFaultReport } from '../../test/faults/support/emulator-faults-scenario.js';
import type { KillScenarioReport } from '../../test/faults/support/kill-scenario.js';
import type { ServerRestartReport } from '../../test/faults/support/server-restart-scenario.js';
import { table } from '../control-plane/report.js';

/** Failures found while building the suite, and how they were fixed; kept with the script so the doc stays generated. */
export const FOUND_AND_FIXED: string[] = [
  'The run on 2026-12-02 06:53 (seed 691725728, the code with AWS call pacing) reported app-stuck: "Rate exceeded (injected fault)". ' +
    'It was the suite\'s own check, not a pipeline: after the scenario, capacityProblems reads DescribeApplication through a client ' +
    'with the SDK\'s default 3 attempts, and all three met the injected throttling and 500s (about 3 % odds per read at 25 %). The check ' +
    'threw, so that case\'s outcome was not recorded in that run (it passed in the 02:32 run and in npm test\'s emulator-faults test). ' +
    'The checks\' clients now make 12 attempts, like the stream reader (test/faults/support/rig.ts); not re-run since.',
  'A stress run (2 pipelines, 8 kills 2–9 s apart; load 8–10) left a pipeline whose every workflow task failed with "[TMPRL1100] ' +
    'Nondeterminism error: Activity machine does not handle this event: HistoryEvent(id: 83, TimerStarted)", its queries refused ' +
    '— what a fresh-clone CI run of the quick variant showed too (seed 802090479: an override unfinished 300 s after 3 kills, every ' +
    'status query failing from the second kill on). The history is kept (test/faults/fixtures/nondeterminism-after-kill.json). ' +
    'Cause: a status query sent while the control loop\'s tick timer ran went to the killed worker\'s sticky queue, waited out its ' +
    '10 s schedule-to-start timeout and reached the replacement worker — with the whole history, read at that moment — before the ' +
    'workflow task did. The timer had fired meanwhile. Answering a query on a run it does not hold, the SDK core applies the events ' +
    'after the last workflow task too, runs the workflow code at that task\'s time (11 s stale), keeps the run cached, and sends the ' +
    'commands of that run with the next workflow task. The tick, choosing between reading CloudWatch and waiting by the time ' +
    '(PATCHES.tickReadsWhenDue), waited; every replay reads. Found in the SDK core\'s source (an incomplete last sequence of events ' +
    'is applied, history_update.rs) and the server\'s (a query task\'s history is read when a worker polls it, 1.29.1 ' +
    'matching_engine.go), then reproduced by test/workers/stale-activation.test.ts with real worker processes: kill, query, the ' +
    'timer fires, the replacement starts — without the fix the query is answered at the stale time. workflows/stale-activation.ts, ' +
    'a workflow interceptor every bundle carries (workers/bundle.ts), now refuses an activation that fires a timer before its ' +
    'deadline (never so in a workflow task: the task starts after the timer fired) or a live one older than the workflow task ' +
    'timeout; the SDK then drops the cached run and fails that one query, and the workflow task replays the run at its own time. ' +
    'It changes no command, so recorded histories replay unchanged. A pipeline wedged before the fix needs a reset to before the ' +
    'bad task (`temporal workflow reset --workflow-id … --event-id …`, the workflow task completed before it).',
  'UpdateShardCount answering LimitExceededException for a request rate ("Rate exceeded for stream … under account …") was taken ' +
    'for the per-stream quota (10 a day, 2× / ½): the action failed and rolled back instead of retrying. Found reviewing the error ' +
    'mapping for the AWS-fault cases; `activities/aws/errors.ts` now lets a rate pass like "concurrent" ' +
    '(test/activities/aws/shard-count-limits.test.ts). The emulator does not throttle UpdateShardCount (AWS documents no request rate ' +
    'for it), so the scenarios below do not reach this path.',
  'The emulator\'s call log cut parameters at depth 3, so UpdateApplication\'s target parallelism could not be read from it; it now ' +
    'keeps depth 4 and the suite compares every UpdateApplication target with the history.',
  'Kills (seed 136712201, 20 kills) left one pipeline DEGRADED, and AWS faults at 25 % rolled a healthy scale-down back ("records ' +
    'arrive (IncomingRecords 500) but the job processes none yet"): one cause. Verification judged processing from the newest 1 s ' +
    'period alone, and the replay writes bursts of 500 records; a burst written in the last moments of a period is read by the job in ' +
    'the next one, so that period shows records in and none processed. Normally verification looks again a second later and passes; ' +
    'an attempt retried after a SIGKILL (its deadline already past) or slowed by slow answers judges from one or two looks, and the race ' +
    'failed it — a rollback\'s verification, hence DEGRADED with AWS healthy. `activities/scaling/settle.ts` now judges "records ' +
    'arrive but none processed" over the last 3 published periods and waits for them to be published before judging ' +
    '(test/activities/scaling/verify-processing.test.ts, which fails on the old code). Not reproducible on demand: kill moments are ' +
    'random in time, so a seed repeats the plan, not the interleaving; the run above shows whether it came back.',
  'A change answered 500 after it took effect was logged by the emulator as a plain error, so the suite\'s "no scaling call lost or ' +
    'applied twice" check counted the applied reshard as missing. The call log now marks such a call `appliedThenFailed` and the check ' +
    'counts it as the change (test/emulator/core/fault-rates.test.ts). The same run showed the AWS SDK re-sending an UpdateShardCount ' +
    'right after that 500 (refused with ResourceInUseException since the stream was UPDATING — harmless there, but a blind second ' +
    'send of a capacity change). UpdateShardCount, UpdateApplication and RollbackApplication are now never re-sent by the SDK after a ' +
    '5xx or a lost answer; the activity\'s own retry looks at the resource first (throttling answers, given before anything ran, are ' +
    'still re-sent by the SDK). Test: test/activities/scaling/activities.test.ts ("never re-send a change answered 500…").',
  'From a workflow task\'s 4th attempt on, Temporal lengthens the attempt\'s timeout by 5 s · 2^(attempt − 4), up to ' +
    '`history.workflowTaskRetryMaxInterval` (10 minutes by default; server 1.29.1, workflow_task_state_machine.go): after a crash ' +
    'loop of about ten attempts a pipeline would wait up to 10 s + 10 min for a task no worker holds any more, answering no query ' +
    'meanwhile (Temporal refuses queries while a workflow task is failing). The clusters and the dev server (config/temporal/dynamic-config.yaml, ' +
    'which scripts/dev-server.ts passes on key by key) now bound it at 1 minute: a slow replay still gets a longer attempt ' +
    'each time (up to 70 s) and a task that crashes its worker is retried once a minute. test/faults/workflow-task-backoff.test.ts ' +
    'reads the 8th attempt\'s timeout from the history (69 s on a server without the bound: the test fails there). Found checking ' +
    'whether this backoff explained the quick variant\'s stall (below): it does not — it lengthens attempts that were started and ' +
    'never holds a task SCHEDULED.',
];

/** What the suite does not show, or found and is not fixed yet, with the reason. */
export const KNOWN_LIMITS: string[] = [
  'The Temporal dev server is stopped with SIGTERM (its own clean shutdown) and started again on the same SQLite file; a SIGKILL of ' +
    'the server in the middle of a write is not covered (the production topology is PostgreSQL: `npm run test:cluster` restarts ' +
    'its history service mid-action).',
  'Kill moments are random in time. How many kills hit a worker with a pipeline activity in flight is counted above; the narrow ' +
    'window between AWS applying a change and the activity reporting it is covered deterministically by the 500-after-applying faults instead.',
  'A replacement worker (TypeScript, prebuilt workflow bundle) takes about 9–16 s to poll on this loaded machine; with one worker nothing ' +
    'progresses meanwhile, which is why the quick variant deals only 3 kills.',
  '`npm run test:faults` runs the quick variant (test/e2e/faults-quick.test.ts: 3 kills, one Temporal restart, the fault-rate case ' +
    'at 15 %, side by side) and the longer ones (about 14 min here: more kills, two workers, the final answers and stuck resources); ' +
    'they and this bench are not part of CI (the quick variant alone takes 2–4 min of the suite\'s 15-minute budget); run them before ' +
    'changing workflows, activities, the worker\'s start-up or the emulator\'s faults.',
  'The stale-activation guard (workflows/stale-activation.ts, below under Found and fixed) knows a stale workflow time for sure only ' +
    'from a timer that fires before its deadline. Other events that can reach a worker the same way (an activity\'s completion, a ' +
    'signal) are refused only when the activation is older than the workflow task timeout (10 s): a query that reaches a worker ' +
    'without the run cached sooner than that after such an event, with no workflow task started for it, can still run the code after ' +
    'it at the last task\'s time. In a kill the query first waits out the dead worker\'s sticky queue (10 s), so it is refused; a ' +
    'worker shut down cleanly releases its sticky queue at once, which leaves that window open. The defect is the SDK core\'s ' +
    '(TypeScript SDK 1.24.0, the newest): it applies the events after the last workflow task when answering such a query.',
];

export interface FaultsRun {
  command: string;
  seed: number;
  startedAt: string;
  durationSeconds: number;
  loadBefore: number[];
  /** The run's process priority (nice value; 19 = background, the other work first). */
  niceness?: number;
  loadAfter: number[];
  problems: string[];
  knownLimits: string[];
  foundAndFixed?: string[];
  kills?: KillScenarioReport;
  twoWorkers?: KillScenarioReport;
  restart?: ServerRestartReport;
  aws?: EmulatorFaultReport;
  errors: string[];
}

const load = (l: number[]) => l.map((v) => v.toFixed(1)).join(' ');
const median = (xs: number[]) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const verdict = (problems: string[] | undefined) => (problems === undefined ? 'not run' : problems.length === 0 ? 'all outcomes as expected' : `**${problems.length} problem(s)**`);

function killsBlock(title: string, r: KillScenarioReport | undefined): string {
  if (!r) return `### ${title}\n\nNot run.`;
  const stages = Object.entries(r.killsDuring).map(([s, n]) => `${s} ${n}`).join(', ');
  const rows = r.pipelines.map((p) => [
    p.id, p.finalPhase, p.actions, p.rollbacks, JSON.stringify(p.shardCalls), JSON.stringify(p.parallelismCalls),
    `${p.replayEventsSent.toLocaleString('en-US')}`, `${p.tripsReadBack.toLocaleString('en-US')} / ${p.tripsMissing}`,
  ]);
  return [
    `### ${title}`,
    '',
    `${r.kills} SIGKILLs in ${(r.durationSeconds / 60).toFixed(1)} min (${r.workers} worker process${r.workers > 1 ? 'es' : ''} on the task queue); ` +
      `${r.killsWithActivityInFlight} of them hit the worker while it ran a pipeline's activity. What the pipelines were doing at the kills ` +
      `(a kill counts for each stage under way): ${stages}. A replacement worker took ${median(r.workerStartSeconds).toFixed(1)} s (median) to poll. ` +
      `Verdict: ${verdict(r.problems)}.`,
    '',
    table(['pipeline', 'final phase', 'actions', 'rollbacks', 'UpdateShardCount targets', 'UpdateApplication targets', 'replay events sent', 'trips read back (distinct) / missing'], rows),
    ...(r.problems.length > 0 ? ['', 'Problems:', '', ...r.problems.map((p) => `- ${p}`)] : []),
  ].join('\n');
}

function restartBlock(r: ServerRestartReport | undefined): string {
  if (!r) return '### Temporal dev server restarted on its SQLite file\n\nNot run.';
  const answers = Object.entries(r.answersWhileDown).map(([k, n]) => `${k}: ${n}`).join(', ');
  return [
    '### Temporal dev server restarted on its SQLite file',
    '',
    `${r.restarts} restart(s), each while a scaling action waited for its reshard and the replay ran. API answers while the server was away: ${answers}; ` +
      `503s without Retry-After: ${r.unavailableWithoutRetryAfter}. The API served a fresh read again ${r.apiRecoverySeconds.map((s) => `${s.toFixed(1)} s`).join(', ')} after the restart, ` +
      `without being restarted; the interrupted actions finished ${r.actionResumeSeconds.map((s) => `${s.toFixed(1)} s`).join(', ')} after it. ` +
      `Worker restarts needed: ${r.workerRestarts}. Verdict: ${verdict(r.problems)}.`,
    ...(r.problems.length > 0 ? ['', 'Problems:', '', ...r.problems.map((p) => `- ${p}`)] : []),
  ].join('\n');
}

function awsBlock(r: EmulatorFaultReport | undefined): string {
  if (!r) return '### AWS faults from the emulator\n\nNot run.';
  const injected = Object.entries(r.injected).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  const rows = r.cases.map((c) => [c.name, c.expected, `${c.phase} at ${c.capacity}`, c.history.join(', '),
    Object.entries(c.calls).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none', c.finalPhase]);
  return [
    '### AWS faults from the emulator',
    '',
    `Background faults on ${Math.round(r.rate * 100)} % of calls each: throttling (LimitExceeded on Kinesis control calls, ProvisionedThroughputExceeded on PutRecords, ` +
      `ThrottlingException on Flink and CloudWatch), 500 InternalFailure before and (on creates, updates and rollbacks) after the change took effect, and slow answers. ` +
      `Error answers the emulator gave: ${injected}. Of those, answered after the change took effect (the call log's \`appliedThenFailed\`, ` +
      `counted as the change by the checks): ${Object.entries(r.appliedThenFailed ?? {}).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}. ` +
      `Verdict: ${verdict(r.problems)}.`,
    '',
    table(['case', 'expected', 'after the action', 'history', 'scaling calls (applied / refused)', 'teardown'], rows),
    ...(r.problems.length > 0 ? ['', 'Problems:', '', ...r.problems.map((p) => `- ${p}`)] : []),
  ].join('\n');
}

export function faultsSection(run: FaultsRun): string {
  return [
    '## Faults',
    '',
    `Generated by \`${run.command}\` on ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC in ${(run.durationSeconds / 60).toFixed(1)} min. ` +
      `Load average before ${load(run.loadBefore)}, after ${load(run.loadAfter)} (shared 2-core machine, loaded by other work)` +
      `${run.niceness === undefined || run.niceness === 0 ? '' : `; the run itself at nice ${run.niceness}, behind that work`}. ` +
      `The same scenarios run shorter in \`npm run test:faults\` (test/faults/ and the quick variant, test/e2e/faults-quick.test.ts). Every check is an outcome — phases, capacities, the emulator's call log against each ` +
      `pipeline's scaling history, the replay read back from the stream — never a duration.`,
    '',
    killsBlock('Worker SIGKILLed at random moments (one worker, replaced after each kill)', run.kills),
    '',
    killsBlock('Two workers on one task queue, the busy one killed', run.twoWorkers),
    '',
    restartBlock(run.restart),
    '',
    awsBlock(run.aws),
    ...(run.errors.length > 0 ? ['', '### Scenarios that stopped', '', ...run.errors.map((e) => `- ${e}`)] : []),
    '',
    '### Found and fixed',
    '',
    ...(run.foundAndFixed ?? []).map((k) => `- ${k}`),
    '',
    '### Known limits',
    '',
    ...(run.knownLimits.length > 0 ? run.knownLimits.map((k) => `- ${k}`) : ['None found by this run.']),
  ].join('\n');
}
