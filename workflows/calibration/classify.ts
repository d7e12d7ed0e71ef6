/**
 * CPU-bound or I/O-bound: compares what one KPU processed at each ParallelismPerKPU, with a
 * margin taken from the run-to-run noise the steps themselves showed, so a difference inside
 * the noise is never read as a verdict. Pure: the workflow feeds it its phases and steps,
 * tests feed it numbers.
 *
 * The noise of one step's processed rate is measured three ways, and the largest is used:
 * - a sustainable step's processed rate against what the stream accepted (they should be equal);
 * - the spread of a step's CloudWatch periods (the standard error of its mean);
 * - saturated steps of one phase against each other (each measures the same ceiling).
 * The margin is 3 × √2 × that noise (a ratio of two such measurements, three standard
 * deviations), and never under 5 %: a smaller gain is not worth packing subtasks for.
 */
import type { CalibrationComparison, CalibrationPhaseResult, CalibrationResult, CalibrationStep } from '../../model/calibration.js';

export const NOISE_SIGMAS = 3;
export const MIN_MARGIN = 0.05;

export interface NoiseEstimate {
  /** Relative noise of one step's processed rate. */
  relative: number;
  margin: number;
  samples: number;
}

const rms = (values: number[]): number => (values.length === 0 ? 0 : Math.sqrt(values.reduce((a, v) => a + v * v, 0) / values.length));

/** Relative standard error of the mean of `values` (null for fewer than two, or a mean of 0). */
export function relativeStandardError(values: number[]): number | null {
  if (values.length < 2) return null;
  const m = values.reduce((a, v) => a + v, 0) / values.length;
  if (m <= 0) return null;
  const variance = values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1);
  return Math.sqrt(variance) / m / Math.sqrt(values.length);
}

export function measurementNoise(steps: CalibrationStep[]): NoiseEstimate {
  const judged = steps.filter((s) => s.verdict !== 'inconclusive' && s.processedRecordsPerSecond !== null);
  const deviations = judged
    .filter((s) => s.verdict === 'sustainable' && s.sentRecordsPerSecond > 0)
    .map((s) => (s.processedRecordsPerSecond as number) / s.sentRecordsPerSecond - 1);
  const spreads = judged.map((s) => s.processedRelativeError ?? null).filter((e): e is number => e !== null);
  const ceilings: number[] = [];
  for (const phase of new Set(judged.map((s) => s.phase))) {
    const saturated = judged.filter((s) => s.phase === phase && s.verdict === 'saturated').map((s) => s.processedRecordsPerSecond as number);
    if (saturated.length < 2) continue;
    const m = saturated.reduce((a, v) => a + v, 0) / saturated.length;
    if (m > 0) ceilings.push(...saturated.map((v) => v / m - 1));
  }
  const relative = Math.max(rms(deviations), rms(spreads), rms(ceilings));
  return {
    relative,
    margin: Math.max(MIN_MARGIN, NOISE_SIGMAS * Math.SQRT2 * relative),
    samples: deviations.length + spreads.length + ceilings.length,
  };
}

export interface Classification {
  workload: CalibrationResult['workload'];
  /** The phase whose ParallelismPerKPU is recommended. */
  chosen: CalibrationPhaseResult;
  comparison: CalibrationComparison | null;
  reasons: string[];
}

const pct = (x: number): string => `${Math.round(x * 100)} %`;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const perKpu = (p: CalibrationPhaseResult): number => p.throughputRecordsPerSecondPerKpu ?? p.recordsPerSecondPerKpu ?? 0;

/**
 * The rule (README, Calibrate):
 * - a higher ParallelismPerKPU processing more per KPU than the baseline by more than the
 *   margin → `io-bound`, and that value is recommended (unless the baseline never saturated:
 *   then its own figure is only a floor and the gain is not proven → `inconclusive`);
 * - every higher value processing less by more than the margin → `cpu-bound`;
 * - inside the margin, the throughput alone cannot tell: `cpu-bound` only when both phases
 *   were measured to saturation and the vCPU sat at its ceiling in the baseline
 *   (bottleneck `cpu`); otherwise `inconclusive`, and the baseline is kept.
 */
export function classifyWorkload(phases: CalibrationPhaseResult[], steps: CalibrationStep[]): Classification {
  const measured = phases.filter((p) => p.recordsPerSecondPerKpu !== null && p.recordsPerSecondPerParallelism !== null);
  const baseline = measured.reduce<CalibrationPhaseResult | null>((a, b) => (a === null || b.parallelismPerKpu < a.parallelismPerKpu ? b : a), null);
  if (baseline === null) throw new Error('classifyWorkload needs at least one measured phase');
  const others = measured.filter((p) => p.parallelismPerKpu > baseline.parallelismPerKpu);
  if (others.length === 0) {
    return { workload: 'undetermined', chosen: baseline, comparison: null, reasons: ['only one ParallelismPerKPU measured: keeping it'] };
  }
  const noise = measurementNoise(steps);
  const base = perKpu(baseline);
  const gainOf = (p: CalibrationPhaseResult): number => perKpu(p) / Math.max(1e-9, base);
  const best = others.reduce((a, b) => (gainOf(b) > gainOf(a) ? b : a));
  const gain = gainOf(best);
  const comparison: CalibrationComparison = {
    noise: noise.relative, margin: noise.margin, samples: noise.samples, perKpuGain: gain, parallelismPerKpu: best.parallelismPerKpu,
  };
  const k0 = baseline.parallelismPerKpu;
  const against = `${fmt(perKpu(best))} records/s per KPU at ParallelismPerKPU ${best.parallelismPerKpu} vs ${fmt(base)} at ${k0} (×${gain.toFixed(2)})`;
  const noiseNote = `the steps' run-to-run noise is ${pct(noise.relative)}, so differences under ${pct(noise.margin)} do not count`;
  const inconclusive = (why: string): Classification => ({
    workload: 'inconclusive', chosen: baseline, comparison,
    reasons: [`${against}: ${why}; ${noiseNote}. Keeping ParallelismPerKPU ${k0}; calibrate again with longer steps to decide`],
  });
  if (gain - 1 > noise.margin) {
    if (baseline.lowerBound) return inconclusive(`ParallelismPerKPU ${k0} never saturated, so its figure is only a floor and the gain is not proven`);
    return {
      workload: 'io-bound', chosen: best, comparison,
      reasons: [
        `${against}: more than the ${pct(noise.margin)} margin (${noiseNote}): subtasks mostly wait, several share a KPU well`,
        ...(best.parallelismPerKpu === Math.max(...others.map((p) => p.parallelismPerKpu)) && (best.cpuAtSustainable ?? 100) < 60
          ? [`CPU was only ${Math.round(best.cpuAtSustainable ?? 0)} % at ParallelismPerKPU ${best.parallelismPerKpu}: a higher value may pay off too; calibrate it to confirm`]
          : []),
      ],
    };
  }
  const unsaturated = others.filter((p) => p.lowerBound);
  if (unsaturated.length > 0) {
    return inconclusive(`ParallelismPerKPU ${unsaturated.map((p) => p.parallelismPerKpu).join(', ')} never saturated, so a gain may have been cut short by the ramp`);
  }
  if (others.every((p) => 1 - gainOf(p) > noise.margin)) {
    return {
      workload: 'cpu-bound', chosen: baseline, comparison,
      reasons: [`${against}: less by more than the ${pct(noise.margin)} margin: subtasks compete for the vCPU, so one subtask per KPU`],
    };
  }
  if (baseline.lowerBound) return inconclusive('inside the margin, and the baseline never saturated');
  if (baseline.bottleneck === 'cpu') {
    return {
      workload: 'cpu-bound', chosen: baseline, comparison,
      reasons: [`${against}: the same within the ${pct(noise.margin)} margin, and at saturation the vCPU was at its ceiling: the vCPU is the limit, so one subtask per KPU`],
    };
  }
  return inconclusive(`inside the margin, and the vCPU was not the limit (bottleneck ${baseline.bottleneck})`);
}
