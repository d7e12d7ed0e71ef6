/**
 * KPU calibration of one pipeline (the source article's Part 1), as a saga: pause the
 * pipeline's autoscaling and replay, set the calibration's capacity through the
 * pipeline's own verified scaling action, hold stepped rates and judge each one, then
 * restore capacity, replay and autoscaling — also when it fails, is cancelled or runs
 * out of budget. Progress is the status query and the workflow's current details.
 */
import {
  ApplicationFailure, CancellationScope, isCancellation, patched, setCurrentDetails, setHandler, sleep,
} from '@temporalio/workflow';
import type { CalibrationPhaseResult, CalibrationStatus, CapacityRecord } from '../../model/calibration.js';
import { kpusFor } from '../../model/spec.js';
import type { PipelineFactsResult } from '../../activities/calibration/index.js';
import { CalibrationCalls } from './activities.js';
import {
  acceptedRateIn, contradictsPhase, deliveredShort, saturatedOpening, saturatedProbe, judgeStep, MAX_STEP_RERUNS, newSearch, nextStep, phaseRates, phaseResult, recommend, recordStep, type NextStep, type PhaseSearch,
} from './analysis.js';
import { CALIBRATION_PATCHES } from './patches.js';
import { calibrationStatusQuery, type CalibrationTiming, type CalibrationWorkflowInput } from '../contract.js';
import { holdingCostUsd, phaseParallelism, stepBoundSeconds, stepsPerPhase } from '../../model/calibration-plan.js';
import { calibrationDetails } from './summary.js';
import { useAwsRole } from '../aws-role.js';

interface Compensation {
  what: string;
  run(): Promise<void>;
}

class BudgetExhausted extends Error {}

const nowMs = (): number => new Date().getTime();
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const iso = (): string => new Date().toISOString();

function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error && cause.message ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}

export async function calibrationWorkflow(input: CalibrationWorkflowInput): Promise<CalibrationStatus> {
  const { request, pipelineId, calibrationId } = input;
  const startedMs = nowMs();
  const status: CalibrationStatus = {
    pipelineId, calibrationId, state: 'preparing', message: 'Reading the pipeline', request,
    progress: {
      phase: 0, phases: request.parallelismPerKpu.length, parallelismPerKpu: null, stepsDone: 0,
      stepsPlanned: request.parallelismPerKpu.length * stepsPerPhase(request), currentRecordsPerSecond: null,
      elapsedSeconds: 0, spentUsd: 0, percent: 0,
    },
    steps: [], result: null,
    restore: { capacity: null, autoscalingPaused: null, replayPaused: false, restored: null, problems: [] },
    error: null, startedAt: iso(), updatedAt: iso(), finishedAt: null,
  };
  const publish = (message: string): void => {
    status.message = message;
    status.updatedAt = iso();
    status.progress.elapsedSeconds = Math.round((nowMs() - startedMs) / 1000);
    setCurrentDetails(calibrationDetails(status));
  };
  setHandler(calibrationStatusQuery, () => status);

  const calls = new CalibrationCalls(pipelineId);
  const compensations: Compensation[] = [];
  const phases: CalibrationPhaseResult[] = [];
  let cancellation: unknown = null;
  let failure: string | null = null;
  let budgetStop: string | null = null;
  let resources = { streamName: '', applicationName: '' };
  try {
    await prepare();
    await measure();
  } catch (err) {
    if (isCancellation(err)) cancellation = err;
    else if (err instanceof BudgetExhausted) budgetStop = err.message;
    else failure = errorMessage(err);
  }
  status.result = recommend(phases, request, status.steps);
  await CancellationScope.nonCancellable(restore);
  finish();
  if (cancellation !== null) throw cancellation;
  if (failure !== null) throw ApplicationFailure.nonRetryable(`Calibration of ${pipelineId} failed: ${failure}`, 'CalibrationFailed');
  return status;

  async function prepare(): Promise<PipelineFactsResult> {
    publish('Reading the pipeline');
    const facts = await calls.readPipelineFacts('before calibrating');
    // The load and the metric reads are the pipeline's AWS calls: made as its role (spec roleArn), if it has one.
    useAwsRole(facts.roleArn);
    if (facts.phase !== 'RUNNING' || facts.actionInFlight) throw new Error(`the pipeline is ${facts.phase}${facts.actionInFlight ? ' with a scaling action under way' : ''}; calibration needs it RUNNING and idle`);
    if (facts.capacity === null) throw new Error('the pipeline has not read its capacity yet; try again in a few seconds');
    status.restore.capacity = facts.capacity;
    status.restore.autoscalingPaused = facts.autoscalingPaused;
    if (!facts.autoscalingPaused) {
      publish('Pausing autoscaling for the calibration');
      await calls.setAutoscalingPaused(true);
      compensations.push({ what: 'resume autoscaling', run: () => calls.setAutoscalingPaused(false) });
    }
    if (facts.replayRunning) {
      publish('Pausing the replay: the calibration drives its own load');
      await calls.setReplayPaused(true);
      status.restore.replayPaused = true;
      compensations.push({ what: 'resume the replay', run: async () => void await calls.setReplayPaused(false) });
    }
    const remembered = facts.capacity;
    compensations.push({
      what: `restore parallelism ${remembered.parallelism} and ParallelismPerKPU ${remembered.parallelismPerKpu}`,
      run: async () => {
        const back = await changeCapacity(facts, remembered, 'Restore the capacity the pipeline had');
        if (back.outcome === 'failed') throw new Error(back.reasons.join('; '));
      },
    });
    return facts;
  }

  async function changeCapacity(facts: PipelineFactsResult, target: CapacityRecord, why: string) {
    return calls.changeCapacity(
      { pipelineId, target, reason: `calibration ${calibrationId}: ${why.toLowerCase()}`, deadlineEpochMs: nowMs() + facts.actionBoundSeconds * 1000, pollIntervalMs: timing().pollIntervalMs },
      facts.actionBoundSeconds, why,
    );
  }

  function timing(): CalibrationTiming {
    return { metricsDelaySeconds: 0, pollIntervalMs: 500, ...input.timing };
  }

  async function measure(): Promise<void> {
    const facts = await calls.readPipelineFacts('for the plan');
    resources = { streamName: facts.streamName, applicationName: facts.applicationName };
    const shards = facts.capacity?.shards ?? 1;
    let kpus = kpusFor(facts.capacity?.parallelism ?? 1, facts.capacity?.parallelismPerKpu ?? 1);
    let costMarkMs = nowMs();
    /** Time a capacity change took: restoring needs as much again, so the budget keeps it in reserve. */
    let restoreReserveMs = 0;
    const spend = (): number => {
      status.progress.spentUsd += holdingCostUsd((nowMs() - costMarkMs) / 1000, shards, kpus, request.prices);
      costMarkMs = nowMs();
      return status.progress.spentUsd;
    };
    const stepBound = stepBoundSeconds(request, facts.periodSeconds);
    const checkBudget = (what: string): void => {
      const spent = spend();
      const elapsed = (nowMs() - startedMs + restoreReserveMs) / 1000;
      const { maxDurationSeconds, maxCostUsd } = request.budget;
      if (elapsed + stepBound > maxDurationSeconds) {
        throw new BudgetExhausted(`time budget reached before ${what}: ${Math.round(elapsed)} s used (restoring included), a step may take ${stepBound} s, the budget is ${maxDurationSeconds} s`);
      }
      const next = holdingCostUsd(stepBound, shards, kpus, request.prices);
      if (spent + next > maxCostUsd) {
        throw new BudgetExhausted(`cost budget reached before ${what}: $${spent.toFixed(4)} spent, a step may cost $${next.toFixed(4)}, the budget is $${maxCostUsd}`);
      }
    };

    let probe: number | null = null;
    const scaledRamps = patched(CALIBRATION_PATCHES.phaseRamps);
    const measuredWindow = patched(CALIBRATION_PATCHES.measuredWindow);
    const firstParallelism = phaseParallelism(request, request.parallelismPerKpu[0] ?? 1);
    for (const [index, perKpu] of request.parallelismPerKpu.entries()) {
      status.state = 'preparing';
      status.progress.phase = index;
      status.progress.parallelismPerKpu = perKpu;
      const target: CapacityRecord = { shards, parallelism: phaseParallelism(request, perKpu), parallelismPerKpu: perKpu };
      publish(`Phase ${index + 1}/${request.parallelismPerKpu.length}: setting parallelism ${target.parallelism} at ParallelismPerKPU ${perKpu}`);
      const changeStarted = nowMs();
      const changed = await changeCapacity(facts, target, `Calibration phase ${index + 1}`);
      spend();
      if (changed.outcome === 'failed') throw new Error(`the pipeline could not move to parallelism ${target.parallelism} at ParallelismPerKPU ${perKpu}: ${changed.reasons.join('; ')}`);
      if (changed.outcome === 'applied') restoreReserveMs = Math.max(restoreReserveMs, nowMs() - changeStarted);
      kpus = kpusFor(target.parallelism, perKpu);
      status.state = 'measuring';
      const search = scaledRamps
        ? newSearch(probe, phaseRates(request, target.parallelism / firstParallelism), { ceilingBound: measuredWindow })
        : newSearch(probe);
      const phaseSteps = await runPhase(index, target, search, checkBudget, facts.periodSeconds, measuredWindow);
      const result = phaseResult(search, target.parallelism, perKpu, phaseSteps);
      phases.push(result);
      // A later phase first probes the rate the first one sustained: it tells at once whether packing helps.
      probe ??= result.sustainableRecordsPerSecond;
    }
  }

  async function runPhase(
    index: number, target: CapacityRecord, search: PhaseSearch, checkBudget: (what: string) => void, periodSeconds: number, measuredWindow: boolean,
  ) {
    const steps = [];
    for (let next = nextStep(search, request); next !== null; next = nextStep(search, request)) {
      checkBudget(`${next.rate} records/s`);
      const step = await runStep(index, target, next, periodSeconds, measuredWindow, checkBudget, search);
      steps.push(step);
      recordStep(search, next, step);
      if (step.verdict === 'saturated') await drain(step, periodSeconds);
    }
    return steps;
  }

  /**
   * Holds one rate and judges it. With `measuredWindow`, what the stream accepted is counted in
   * the same periods as the metrics, and a step whose load fell short of the rate is held again
   * (MAX_STEP_RERUNS), so a starved load generator costs time, not a wrong rate. A saturation the
   * phase's own evidence refutes (`contradictsPhase`) is drained and held again the same way.
   */
  async function runStep(
    index: number, target: CapacityRecord, next: NextStep, periodSeconds: number, measuredWindow: boolean, checkBudget: (what: string) => void,
    search: PhaseSearch,
  ) {
    const shortfalls: string[] = [];
    const refuted: string[] = [];
    /**
     * A phase's first decisive step that saturated is checked once: the probe (a later phase, at the first phase's
     * sustained rate; `saturatedProbe`) or, without a probe, the opening step (`saturatedOpening`). The two never apply to
     * the same phase; each keeps its own patch, so calibrations recorded before either replay unchanged.
     */
    let firstSaturated: { processed: string; what: string } | null = null;
    const reruns = () => shortfalls.length + refuted.length + (firstSaturated === null ? 0 : 1);
    let held = await holdStep(index, target, next, periodSeconds, measuredWindow, 0);
    for (;;) {
      if (reruns() >= MAX_STEP_RERUNS) break;
      const firstCheck: { patch: string; what: string; why: string } | null = firstSaturated !== null ? null
        : saturatedProbe(held.evidence, next, search) ? {
          patch: CALIBRATION_PATCHES.recheckProbe,
          what: 'the first attempt at the first phase\'s sustained rate',
          why: 'at the rate the first phase sustained — one step decides whether packing subtasks costs throughput',
        }
        : saturatedOpening(held.evidence, search) ? {
          patch: CALIBRATION_PATCHES.recheckOpening,
          what: 'the phase\'s first decisive step',
          why: 'on the phase\'s first decisive step — nothing in the phase can check it yet and it would end the search below this rate',
        }
        : null;
      if (measuredWindow && deliveredShort(held.evidence)) {
        shortfalls.push(fmt(held.evidence.sentRecordsPerSecond));
        publish(`${next.rate} records/s at ParallelismPerKPU ${target.parallelismPerKpu}: the load reached only ${fmt(held.evidence.sentRecordsPerSecond)} records/s in the measured periods; holding the rate again`);
      } else if (contradictsPhase(held.evidence, search) && patched(CALIBRATION_PATCHES.recheckContradiction)) {
        refuted.push(fmt(held.evidence.processedRecordsPerSecond ?? 0));
        publish(`${next.rate} records/s at ParallelismPerKPU ${target.parallelismPerKpu}: saturated while processing only ${fmt(held.evidence.processedRecordsPerSecond ?? 0)} records/s, below the ${fmt(search.highestFlat ?? 0)} this phase already sustained — a hiccup, not the ceiling; draining and holding the rate again`);
        await drain(held.evidence, periodSeconds);
      } else if (firstCheck !== null && patched(firstCheck.patch)) {
        firstSaturated = { processed: fmt(held.evidence.processedRecordsPerSecond ?? 0), what: firstCheck.what };
        publish(`${next.rate} records/s at ParallelismPerKPU ${target.parallelismPerKpu}: saturated (processed ${firstSaturated.processed} records/s) ${firstCheck.why}, so draining and holding it once more`);
        await drain(held.evidence, periodSeconds);
      } else break;
      checkBudget(`holding ${next.rate} records/s again`);
      held = await holdStep(index, target, next, periodSeconds, measuredWindow, reruns());
    }
    const { evidence } = held;
    const reasons = [
      ...evidence.reasons,
      ...(shortfalls.length === 0 ? [] : [
        `held ${reruns() + 1} times: earlier attempts reached only ${shortfalls.join(', ')} of ${fmt(next.rate)} records/s in the measured periods (the load generator was short of CPU)`,
      ]),
      ...(refuted.length === 0 ? [] : [
        `held ${reruns() + 1} times: earlier attempts saturated while processing only ${refuted.join(', ')} records/s, below the ${fmt(search.highestFlat ?? 0)} this phase had sustained`,
      ]),
      ...(firstSaturated === null ? [] : [
        `held ${reruns() + 1} times: ${firstSaturated.what} saturated (processed ${firstSaturated.processed} records/s); checked once more${evidence.verdict === 'saturated' ? ', it saturated again' : ', it was sustainable: the first attempt was a hiccup'}`,
      ]),
    ];
    if (measuredWindow && deliveredShort(evidence)) reasons.push(`judged on the ${fmt(evidence.sentRecordsPerSecond)} records/s that arrived, not the ${fmt(next.rate)} asked for`);
    const step = {
      ...evidence, reasons, ...(measuredWindow ? { attempts: reruns() + 1 } : {}),
      phase: index, kind: next.kind, parallelism: target.parallelism, parallelismPerKpu: target.parallelismPerKpu,
      kpus: kpusFor(target.parallelism, target.parallelismPerKpu), startedAt: held.startedAt, endedAt: held.endedAt,
    };
    status.steps.push(step);
    status.progress.stepsDone += 1;
    status.progress.percent = Math.min(99, Math.round((100 * status.progress.stepsDone) / status.progress.stepsPlanned));
    publish(`${next.rate} records/s at ParallelismPerKPU ${target.parallelismPerKpu}: ${evidence.verdict} (${reasons.join('; ')})`);
    return step;
  }

  async function holdStep(index: number, target: CapacityRecord, next: NextStep, periodSeconds: number, measuredWindow: boolean, rerun: number) {
    const { streamName, applicationName } = resources;
    status.progress.currentRecordsPerSecond = next.rate;
    const again = rerun > 0 ? `, again (${rerun + 1})` : '';
    publish(`Phase ${index + 1}, ParallelismPerKPU ${target.parallelismPerKpu}: holding ${next.rate} records/s for ${request.stepSeconds} s (${next.kind}${again})`);
    const startedAt = iso();
    const load = await calls.driveLoad(
      {
        streamName, recordsPerSecond: next.rate, durationSeconds: request.stepSeconds, aggregate: true,
        keySuffix: `${calibrationId}-${status.steps.length}${rerun > 0 ? `-${rerun}` : ''}`,
        ...(measuredWindow ? { bucketSeconds: periodSeconds } : {}),
      },
      `Hold ${next.rate} records/s for ${request.stepSeconds} s (phase ${index + 1}, ParallelismPerKPU ${target.parallelismPerKpu}, ${next.kind}${again})`,
    );
    const endedAt = iso();
    // Skip the warm-up (the first fifth, at least one period); judge complete periods only.
    const warmupPeriods = Math.max(1, Math.ceil((0.2 * request.stepSeconds) / periodSeconds));
    const start = (Math.ceil(load.startedEpochMs / 1000 / periodSeconds) + warmupPeriods) * periodSeconds;
    const end = Math.floor(load.endedEpochMs / 1000 / periodSeconds) * periodSeconds;
    const publishedBy = (end + periodSeconds + timing().metricsDelaySeconds) * 1000;
    if (publishedBy > nowMs()) await sleep(publishedBy - nowMs());
    const periods = await calls.readMetrics({ streamName, applicationName, periodSeconds, start, end });
    // What reached the stream in the periods read, when counted; else the step's average.
    const inWindow = measuredWindow && load.acceptedByBucket !== undefined ? acceptedRateIn(load.acceptedByBucket, start, end) : null;
    const evidence = judgeStep({ offered: next.rate, sentPerSecond: inWindow ?? load.sentPerSecond, throttled: load.throttled, periods }, { lagDecides: measuredWindow });
    if (inWindow !== null) evidence.reasons.push(`the stream accepted ${fmt(inWindow)} records/s in the measured periods (${fmt(load.sentPerSecond)} over the whole step)`);
    return { evidence, startedAt, endedAt };
  }

  /** After a saturated step the backlog drains with no load, so it cannot flatter or spoil the next step. */
  async function drain(step: { sentRecordsPerSecond: number; processedRecordsPerSecond: number | null }, periodSeconds: number) {
    const processed = Math.max(1, step.processedRecordsPerSecond ?? 1);
    const backlog = Math.max(0, step.sentRecordsPerSecond - processed) * request.stepSeconds;
    const seconds = Math.min(request.stepSeconds, Math.ceil(backlog / processed) + periodSeconds);
    publish(`Draining the backlog of the saturated step (${Math.round(backlog)} records, about ${seconds} s)`);
    await sleep(seconds * 1000);
  }

  async function restore(): Promise<void> {
    status.state = 'restoring';
    publish('Restoring the pipeline: capacity, replay, autoscaling');
    const problems: string[] = [];
    for (const c of [...compensations].reverse()) {
      try {
        await c.run();
      } catch (err) {
        // Recorded, never swallowed: the next compensations still run, and the status says what is left to do.
        problems.push(`${c.what} failed: ${errorMessage(err)}`);
      }
    }
    status.restore.problems = problems;
    status.restore.restored = problems.length === 0;
  }

  function finish(): void {
    status.finishedAt = iso();
    const restoredNote = status.restore.restored === false ? ` Restoring failed: ${status.restore.problems.join('; ')}` : ' The pipeline is restored.';
    if (cancellation !== null) {
      status.state = 'cancelled';
      publish(`Cancelled.${restoredNote}`);
    } else if (failure !== null) {
      status.state = 'failed';
      status.error = failure;
      publish(`Failed: ${failure}.${restoredNote}`);
    } else if (budgetStop !== null) {
      status.state = 'budget-exhausted';
      status.error = budgetStop;
      publish(`Stopped: ${budgetStop}. ${status.result === null ? 'No rate was sustained before the stop.' : 'The result covers the steps run.'}${restoredNote}`);
    } else {
      status.state = 'completed';
      status.progress.percent = 100;
      const r = status.result;
      publish(r === null
        ? `Completed, but no step was sustainable: lower the rates.${restoredNote}`
        : `Completed: ${Math.round(r.recordsPerSecondPerParallelism)} records/s per parallelism unit, ${r.workload}; recommended parallelism ${r.recommendation.parallelism} at ParallelismPerKPU ${r.recommendation.parallelismPerKpu}.${restoredNote}`);
    }
  }
}
