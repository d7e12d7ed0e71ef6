/**
 * The calibration's judgement, as pure functions: is a step sustainable (lag flat, the
 * job keeps up) or saturated; which rate to try next; what a phase found; and what to
 * recommend. The workflow feeds it the figures; tests feed it numbers.
 */
import { kpusFor } from '../../model/spec.js';
import type {
  Bottleneck, CalibrationPhaseResult, CalibrationResult, CalibrationStep, ResolvedCalibrationRequest, StepVerdict,
} from '../../model/calibration.js';
import { classifyWorkload, relativeStandardError } from './classify.js';

/**
 * A step whose load reached the stream at less than this share of the rate asked for (in the
 * measured periods) is held again: judged on what arrived, it would report a lower rate than
 * the one the search wanted to test. A busy machine starves the load generator now and then.
 */
export const DELIVERY_TOLERANCE = 0.95;
/** How often one step is held again for a short delivery before it is judged on what arrived. */
export const MAX_STEP_RERUNS = 2;

/** Records the stream acknowledged in one bucket of the load: [start, start + bucketSeconds), epoch seconds. */
export interface AcceptedBucket {
  start: number;
  records: number;
}

/** Records per second acknowledged in [start, end) (epoch seconds), from the load's buckets; null when the window is empty. */
export function acceptedRateIn(buckets: readonly AcceptedBucket[], start: number, end: number): number | null {
  if (end <= start) return null;
  const records = buckets.filter((b) => b.start >= start && b.start < end).reduce((a, b) => a + b.records, 0);
  return records / (end - start);
}

/** One CloudWatch period of a step, as read back. */
export interface PeriodFigures {
  timestamp: number;
  processed: number | null;
  lagMs: number | null;
  cpu: number | null;
  containerCpu: number | null;
  heap: number | null;
  backpressure: number | null;
}

/** The job keeps up when it processes at least this share of what the stream accepted. */
export const KEEP_UP_RATIO = 0.95;
/** Lag growing faster than this (ms per s), and past `LAG_FLOOR_MS`, is falling behind. */
export const LAG_SLOPE_LIMIT = 50;
export const LAG_FLOOR_MS = 1000;
/** The load could not deliver (the generator was the limit): below this share of the offered rate nothing is judged. */
const DELIVERY_RATIO = 0.5;
/** Throttled records beyond this share of what was sent: the stream was the limit. */
const THROTTLED_SHARE = 0.01;
const CPU_BOUND_LEVEL = 80;
const HEAP_BOUND_LEVEL = 85;

const mean = (values: Array<number | null>): number | null => {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
};

/** Least-squares slope of lag over time, ms per second. */
export function lagSlope(periods: PeriodFigures[]): number | null {
  const points = periods.filter((p) => p.lagMs !== null).map((p) => ({ t: p.timestamp, y: p.lagMs as number }));
  if (points.length < 2) return null;
  const tMean = points.reduce((a, p) => a + p.t, 0) / points.length;
  const yMean = points.reduce((a, p) => a + p.y, 0) / points.length;
  const num = points.reduce((a, p) => a + (p.t - tMean) * (p.y - yMean), 0);
  const den = points.reduce((a, p) => a + (p.t - tMean) ** 2, 0);
  return den === 0 ? null : num / den;
}

export interface StepFigures {
  offered: number;
  sentPerSecond: number;
  throttled: number;
  periods: PeriodFigures[];
}

export type StepEvidence = Omit<CalibrationStep, 'phase' | 'kind' | 'parallelism' | 'parallelismPerKpu' | 'kpus' | 'startedAt' | 'endedAt'>;

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * `lagDecides` (calibrations started with the measured-window rule): when what was processed and
 * what arrived disagree but millisBehindLatest stayed flat, the lag decides — it is the job's
 * backlog itself, while a short window's counts move with when bursts of input fell on its edges.
 * A job that really processes less than arrives falls behind, and its lag trend shows it.
 */
export function judgeStep(f: StepFigures, options: { lagDecides?: boolean } = {}): StepEvidence {
  const lags = f.periods.filter((p) => p.lagMs !== null);
  const processed = mean(f.periods.map((p) => p.processed));
  const slope = lagSlope(f.periods);
  const lagStartMs = lags[0]?.lagMs ?? null;
  const lagEndMs = lags[lags.length - 1]?.lagMs ?? null;
  const reasons: string[] = [];
  let verdict: StepVerdict;
  if (processed === null || slope === null) {
    verdict = 'inconclusive';
    reasons.push('too few metric periods in the step to judge (numRecordsInPerSecond or millisBehindLatest missing)');
  } else if (f.throttled > THROTTLED_SHARE * f.sentPerSecond * Math.max(1, f.periods.length)) {
    verdict = 'inconclusive';
    reasons.push(`the stream throttled ${fmt(f.throttled)} records and accepted ${fmt(f.sentPerSecond)} of ${fmt(f.offered)} records/s: the shards, not the job, were the limit`);
  } else if (f.sentPerSecond < DELIVERY_RATIO * f.offered) {
    verdict = 'inconclusive';
    reasons.push(`the load reached only ${fmt(f.sentPerSecond)} of ${fmt(f.offered)} records/s: the load generator, not the job, was the limit`);
  } else {
    const keptUp = processed >= KEEP_UP_RATIO * f.sentPerSecond;
    const fallingBehind = slope > LAG_SLOPE_LIMIT && (lagEndMs ?? 0) > LAG_FLOOR_MS;
    const lagFlat = slope <= LAG_SLOPE_LIMIT;
    const lagOverrules = options.lagDecides === true && !keptUp && lagFlat;
    verdict = (keptUp || lagOverrules) && !fallingBehind ? 'sustainable' : 'saturated';
    reasons.push(`processed ${fmt(processed)} of ${fmt(f.sentPerSecond)} records/s sent (${Math.round((100 * processed) / Math.max(1, f.sentPerSecond))} %)`);
    reasons.push(`millisBehindLatest ${fmt(lagStartMs ?? 0)} → ${fmt(lagEndMs ?? 0)} ms (trend ${slope.toFixed(1)} ms/s${fallingBehind ? ', growing' : ', flat'})`);
    if (lagOverrules) reasons.push(`the lag stayed flat (trend ≤ ${LAG_SLOPE_LIMIT} ms/s), so the job kept up: the shortfall is when the input arrived within the window, not a backlog`);
  }
  const backpressure = mean(f.periods.map((p) => p.backpressure));
  if (backpressure !== null && backpressure > 0) reasons.push(`source backpressured ${fmt(backpressure)} ms/s`);
  return {
    offeredRecordsPerSecond: f.offered,
    sentRecordsPerSecond: f.sentPerSecond,
    processedRecordsPerSecond: processed,
    lagStartMs,
    lagEndMs,
    lagSlopeMsPerSecond: slope,
    cpuUtilization: mean(f.periods.map((p) => p.cpu)),
    containerCpuUtilization: mean(f.periods.map((p) => p.containerCpu)),
    heapMemoryUtilization: mean(f.periods.map((p) => p.heap)),
    backpressureMsPerSecond: backpressure,
    throttledRecords: f.throttled,
    processedRelativeError: relativeStandardError(f.periods.map((p) => p.processed).filter((v): v is number => v !== null)),
    verdict,
    reasons,
  };
}

/**
 * The load fell short of the step's rate in its measured periods, and that could change the
 * answer: a saturated step stays saturated at a lower rate, so only other verdicts are re-run.
 */
export function deliveredShort(e: Pick<StepEvidence, 'verdict' | 'offeredRecordsPerSecond' | 'sentRecordsPerSecond'>): boolean {
  return e.verdict !== 'saturated' && e.sentRecordsPerSecond < DELIVERY_TOLERANCE * e.offeredRecordsPerSecond;
}

/**
 * A saturated step whose job processed less than this share of a rate its phase already
 * sustained contradicts that step: flat out, a job processes at least what it sustained.
 */
const CONTRADICTED = 0.95;

/**
 * A saturation the phase's own evidence refutes: a hiccup (a stalled load or job for part of the
 * step, on AWS a checkpoint or a noisy neighbour), not the ceiling. Judged as the ceiling, it
 * would end the phase's search below what the job does (an I/O-bound job's gain went unseen).
 */
export function contradictsPhase(e: Pick<StepEvidence, 'verdict' | 'processedRecordsPerSecond'>, s: Pick<PhaseSearch, 'highestFlat'>): boolean {
  return e.verdict === 'saturated' && e.processedRecordsPerSecond !== null && s.highestFlat !== null && e.processedRecordsPerSecond < CONTRADICTED * s.highestFlat;
}

/**
 * A later phase's first step holds the rate the first phase sustained (its probe). Saturated, that
 * one step ends the phase's search below the rate and decides that packing subtasks costs
 * throughput; a hiccup in a short step (the load or the job stalled for a second) fakes the same
 * verdict, and an I/O-bound job's gain would go unseen. So a saturated probe is drained and held
 * once more: a job that really cannot keep up saturates again.
 */
export function saturatedProbe(e: Pick<StepEvidence, 'verdict'>, step: NextStep, s: Pick<PhaseSearch, 'probe'>): boolean {
  return e.verdict === 'saturated' && s.probe !== null && step.rate === s.probe;
}

/**
 * A phase's first decisive step, when the phase has no probe (the first phase, or a later one whose first phase
 * sustained nothing), opens at the ramp's first rate. Saturated, that one step ends the phase's search below it, and
 * the phase's rate — in the first phase, the job's measured rate per subtask — is whatever sustained under it: a hiccup
 * there (seen once in a CI run: a CPU-bound job that does 2,600 records/s per subtask processed 1,214 of 1,303 for one
 * step) halves the answer. Nothing in the phase can refute it yet, so it is drained and held once more: a job that
 * really cannot keep up saturates again.
 */
export function saturatedOpening(e: Pick<StepEvidence, 'verdict'>, s: Pick<PhaseSearch, 'probe' | 'highestFlat' | 'lowestSaturated'>): boolean {
  return e.verdict === 'saturated' && s.probe === null && s.highestFlat === null && s.lowestSaturated === null;
}

/** What one phase (one ParallelismPerKPU) has learnt so far. */
export interface PhaseSearch {
  rampIndex: number;
  /** Highest rate that was sustainable, and the lowest that saturated. */
  highestFlat: number | null;
  lowestSaturated: number | null;
  /** Best processing rate seen while saturated: what the job can really do. */
  saturatedThroughput: number | null;
  confirmsDone: number;
  /** A rate to try first (a later phase probes the first phase's sustainable rate). */
  probe: number | null;
  /** Set when the search must stop (e.g. the stream refused the load). */
  stopped: string | null;
  /** This phase's ramp (absent: the request's rates, as runs started before phase ramps had). */
  rates?: number[];
  /**
   * The measured ceiling bounds the bracket, and a confirmation that saturated is followed by
   * one just below it (calibrations started with the measured-window rule; see `nextStep`).
   */
  ceilingBound?: true;
}

export function newSearch(probe: number | null, rates?: number[], options: { ceilingBound?: boolean } = {}): PhaseSearch {
  return {
    rampIndex: 0, highestFlat: null, lowestSaturated: null, saturatedThroughput: null, confirmsDone: 0, probe, stopped: null,
    ...(rates ? { rates } : {}), ...(options.ceilingBound === true ? { ceilingBound: true as const } : {}),
  };
}

/**
 * A phase's ramp: the request's rates scaled by how many more subtasks the phase runs than the
 * first (parallelism = ParallelismPerKPU by default, so 2× at ParallelismPerKPU 2). An I/O-bound
 * job may process up to that much more, and a ramp that stops at the first phase's top could
 * never show it.
 */
export function phaseRates(request: ResolvedCalibrationRequest, scale: number): number[] {
  return [...new Set(request.rates.map((r) => Math.max(1, Math.round(r * scale))))];
}

export interface NextStep {
  rate: number;
  kind: CalibrationStep['kind'];
}

/** Narrowing stops when the bracket is this tight (relative). */
const BRACKET_DONE = 0.03;
/**
 * With `ceilingBound`: a sustainable rate within this share of the measured ceiling is the
 * answer — closer than the run-to-run noise of a busy producer lets a step tell apart.
 */
const CEILING_DONE = 0.06;
/** With `ceilingBound`: after a confirmation saturated, the next one is this much below it. */
const STEP_DOWN = 0.95;

/** The next rate to hold, or null when the phase has its answer. */
export function nextStep(s: PhaseSearch, request: ResolvedCalibrationRequest): NextStep | null {
  if (s.stopped !== null) return null;
  if (s.probe !== null) return { rate: s.probe, kind: 'ramp' };
  if (s.lowestSaturated === null) {
    const rates = s.rates ?? request.rates;
    // Ramp on, skipping steps already known to be sustainable.
    while (s.rampIndex < rates.length && (rates[s.rampIndex] ?? 0) <= (s.highestFlat ?? 0)) s.rampIndex += 1;
    const rate = rates[s.rampIndex];
    return rate === undefined ? null : { rate, kind: 'ramp' };
  }
  if (s.confirmsDone >= request.confirmSteps) return null;
  const low = s.highestFlat ?? 0;
  // What the job processed flat out bounds what it can sustain.
  const high = s.ceilingBound === true && s.saturatedThroughput !== null ? Math.min(s.lowestSaturated, s.saturatedThroughput) : s.lowestSaturated;
  if (high - low <= BRACKET_DONE * high) return null;
  if (s.ceilingBound === true && low >= (1 - CEILING_DONE) * high) return null;
  const inside = (r: number | null, below: number): r is number => r !== null && r > low * (1 + BRACKET_DONE) && r < below * (1 - BRACKET_DONE);
  // Just under what the job processed while saturated is the likeliest sustainable rate; else bisect.
  const guess = s.saturatedThroughput !== null ? Math.round(0.97 * s.saturatedThroughput) : null;
  // When even that saturated (a queue at ~97 % load drifts behind on bursty input), just below it —
  // halving a wide bracket would throw away the ceiling the phase measured.
  const stepDown = s.ceilingBound === true ? Math.round(STEP_DOWN * high) : null;
  const rate = inside(guess, s.lowestSaturated) ? guess : inside(stepDown, high / (1 - BRACKET_DONE)) ? stepDown : Math.round((low + high) / 2);
  return { rate, kind: 'confirm' };
}

/** Folds a judged step into the search. */
export function recordStep(s: PhaseSearch, step: NextStep, evidence: StepEvidence): void {
  if (s.probe !== null && step.rate === s.probe) s.probe = null;
  else if (step.kind === 'ramp') s.rampIndex += 1;
  else s.confirmsDone += 1;
  // What the stream accepted is the rate the job was given (the load may fall short of the plan).
  const given = Math.round(Math.min(step.rate, evidence.sentRecordsPerSecond));
  if (evidence.verdict === 'sustainable') {
    s.highestFlat = Math.max(s.highestFlat ?? 0, given);
  } else if (evidence.verdict === 'saturated') {
    s.lowestSaturated = Math.min(s.lowestSaturated ?? Infinity, given);
    if (evidence.processedRecordsPerSecond !== null) s.saturatedThroughput = Math.max(s.saturatedThroughput ?? 0, evidence.processedRecordsPerSecond);
  } else {
    s.stopped = evidence.reasons[0] ?? 'inconclusive step';
  }
}

function bottleneckOf(cpu: number | null, heap: number | null): Bottleneck {
  if (cpu !== null && cpu >= CPU_BOUND_LEVEL) return 'cpu';
  if (heap !== null && heap >= HEAP_BOUND_LEVEL) return 'memory';
  if (cpu === null) return 'unknown';
  return 'io';
}

export function phaseResult(s: PhaseSearch, parallelism: number, parallelismPerKpu: number, steps: CalibrationStep[]): CalibrationPhaseResult {
  const taskKpus = kpusFor(parallelism, parallelismPerKpu) - 1;
  const sustainable = s.highestFlat;
  // The bottleneck shows where the job runs out: at its saturated steps (else at its best sustainable one).
  const saturated = steps.filter((st) => st.verdict === 'saturated');
  const atBest = steps.find((st) => st.verdict === 'sustainable' && Math.round(Math.min(st.offeredRecordsPerSecond, st.sentRecordsPerSecond)) === sustainable) ?? null;
  const limitCpu = mean(saturated.map((st) => st.containerCpuUtilization ?? st.cpuUtilization));
  const limitHeap = mean(saturated.map((st) => st.heapMemoryUtilization));
  // While saturated the job runs flat out: what it processed then is its ceiling, measured directly.
  const throughput = Math.max(sustainable ?? 0, s.saturatedThroughput ?? 0);
  return {
    parallelismPerKpu,
    parallelism,
    kpus: taskKpus + 1,
    sustainableRecordsPerSecond: sustainable,
    saturatedRecordsPerSecond: s.lowestSaturated,
    recordsPerSecondPerParallelism: sustainable === null ? null : sustainable / parallelism,
    recordsPerSecondPerKpu: sustainable === null ? null : sustainable / taskKpus,
    lowerBound: s.lowestSaturated === null,
    cpuAtSustainable: atBest?.containerCpuUtilization ?? atBest?.cpuUtilization ?? null,
    heapAtSustainable: atBest?.heapMemoryUtilization ?? null,
    bottleneck: saturated.length > 0 ? bottleneckOf(limitCpu, limitHeap) : 'unknown',
    throughputRecordsPerSecondPerKpu: throughput > 0 ? throughput / taskKpus : null,
  };
}

export function recommend(phases: CalibrationPhaseResult[], request: ResolvedCalibrationRequest, steps: CalibrationStep[] = []): CalibrationResult | null {
  const measured = phases.filter((p) => p.recordsPerSecondPerKpu !== null && p.recordsPerSecondPerParallelism !== null);
  const baseline = measured[0];
  if (baseline === undefined) return null;
  const best = measured.reduce((a, b) => ((b.recordsPerSecondPerKpu ?? 0) > (a.recordsPerSecondPerKpu ?? 0) ? b : a));
  const { workload, chosen, comparison, reasons: verdictReasons } = classifyWorkload(measured, steps);
  const reasons = [...verdictReasons];
  const unitRate = chosen.recordsPerSecondPerParallelism as number;
  const needed = request.targetRecordsPerSecond * (1 + request.headroom);
  const parallelism = Math.min(256, Math.max(1, Math.ceil(needed / unitRate)));
  const k = chosen.parallelismPerKpu;
  const kpus = kpusFor(parallelism, k);
  const costPerHourUsd = kpus * request.prices.kpuHourUsd;
  reasons.push(
    `${fmt(request.targetRecordsPerSecond)} records/s with ${Math.round(request.headroom * 100)} % headroom needs ${fmt(needed)} records/s: ` +
    `parallelism ${parallelism} × ${fmt(unitRate)} records/s per subtask at ParallelismPerKPU ${k} = ${kpus} KPUs`,
  );
  if (parallelism === 256) reasons.push('capped at the maximum parallelism of 256');
  if (baseline.lowerBound) reasons.push('no step saturated: the rates are lower bounds, the job can do at least this much');
  return {
    recordsPerSecondPerParallelism: baseline.recordsPerSecondPerParallelism as number,
    recordsPerSecondPerKpu: best.recordsPerSecondPerKpu as number,
    bottleneck: baseline.bottleneck === 'unknown' ? (phases.find((p) => p.bottleneck !== 'unknown')?.bottleneck ?? 'unknown') : baseline.bottleneck,
    workload,
    lowerBound: baseline.lowerBound,
    costPerMillionRecordsUsd: (costPerHourUsd / (request.targetRecordsPerSecond * 3600)) * 1_000_000,
    recommendation: {
      targetRecordsPerSecond: request.targetRecordsPerSecond,
      headroom: request.headroom,
      parallelism,
      parallelismPerKpu: k,
      kpus,
      capacityRecordsPerSecond: parallelism * unitRate,
      costPerHourUsd,
      reasons,
    },
    phases,
    comparison,
    reasons,
  };
}
