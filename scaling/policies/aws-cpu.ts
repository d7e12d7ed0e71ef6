/**
 * AWS Managed Service for Apache Flink's own autoscaling, modelled from its public
 * rule: container CPU ≥ 75 % for 15 consecutive minutes doubles parallelism; CPU
 * below 10 % for 6 hours halves it, never below the configured parallelism. It sees
 * CPU only (not lag, not the stream) and never touches shards.
 *
 * "Configured parallelism" is the parallelism seen at the first observation (what the
 * application was created or last set with before autoscaling took over).
 */
import type { DecideResult, MetricsSample, ScalingPolicy } from '../types.js';
import { flinkChangeBlocker, fmt, maxParallelismFor, newSamples, parametersOf, validateAgainst } from './common.js';

const DEFAULTS = {
  scaleOutCpuPercent: 75,
  scaleOutSeconds: 900,
  scaleInCpuPercent: 10,
  scaleInSeconds: 21_600,
};
const RULES = {
  scaleOutCpuPercent: { min: 1, max: 100 },
  scaleOutSeconds: { min: 1, max: 86_400 },
  scaleInCpuPercent: { min: 0, max: 100 },
  scaleInSeconds: { min: 1, max: 7 * 86_400 },
};

export type AwsCpuState = {
  lastSampleTimestamp: number | null;
  configuredParallelism: number | null;
  /** Seconds of consecutive periods at or above the scale-out CPU, and below the scale-in CPU. */
  highSeconds: number;
  lowSeconds: number;
};

function streaks(state: AwsCpuState, samples: MetricsSample[], high: number, low: number): AwsCpuState {
  let { highSeconds, lowSeconds, lastSampleTimestamp } = state;
  for (const s of samples) {
    lastSampleTimestamp = s.timestamp;
    // A missing CPU datapoint breaks both streaks: "consecutive" needs evidence for every minute.
    const cpu = s.cpuUtilization;
    highSeconds = cpu !== null && cpu >= high ? highSeconds + s.periodSeconds : 0;
    lowSeconds = cpu !== null && cpu < low ? lowSeconds + s.periodSeconds : 0;
  }
  return { ...state, highSeconds, lowSeconds, lastSampleTimestamp };
}

export const awsCpuPolicy: ScalingPolicy<AwsCpuState> = {
  name: 'aws-cpu',
  description: "AWS's managed Flink autoscaling: CPU ≥ 75 % for 15 min → ×2, CPU < 10 % for 6 h → ÷2; shards untouched.",
  defaultParameters: { ...DEFAULTS },
  validateParameters: (parameters) => validateAgainst(RULES, parameters),
  initialState: () => ({ lastSampleTimestamp: null, configuredParallelism: null, highSeconds: 0, lowSeconds: 0 }),
  decide(state, observation, config): DecideResult<AwsCpuState> {
    const params = parametersOf(DEFAULTS, config);
    const p = observation.capacity.parallelism;
    const next = streaks(
      { ...state, configuredParallelism: state.configuredParallelism ?? p },
      newSamples(observation.samples, state.lastSampleTimestamp),
      params.scaleOutCpuPercent,
      params.scaleInCpuPercent,
    );
    const floor = Math.max(next.configuredParallelism ?? p, config.limits.minParallelism);
    const ceiling = maxParallelismFor(config.limits, observation.capacity.parallelismPerKpu);
    const none = (reason: string): DecideResult<AwsCpuState> => ({ decision: { kind: 'none', target: {}, reasons: [reason] }, nextState: next });

    let want: number | null = null;
    let why = '';
    if (next.highSeconds >= params.scaleOutSeconds) {
      want = Math.min(p * 2, ceiling);
      why = `CPU ≥ ${params.scaleOutCpuPercent} % for ${fmt(next.highSeconds)} s (rule: ${fmt(params.scaleOutSeconds)} s) → ×2`;
    } else if (next.lowSeconds >= params.scaleInSeconds) {
      want = Math.max(Math.ceil(p / 2), floor);
      why = `CPU < ${params.scaleInCpuPercent} % for ${fmt(next.lowSeconds)} s (rule: ${fmt(params.scaleInSeconds)} s) → ÷2, not below ${floor}`;
    }
    if (want === null) {
      return none(`CPU streaks: ${fmt(next.highSeconds)} s high, ${fmt(next.lowSeconds)} s low; parallelism ${p} kept`);
    }
    if (want === p) return none(`${why}, but parallelism ${p} is already at its bound`);
    const blocker = flinkChangeBlocker(observation);
    if (blocker) return none(`${why}, but ${blocker}`);
    return {
      decision: { kind: 'scale', target: { parallelism: want }, reasons: [`${why}: parallelism ${p} → ${want}`] },
      nextState: { ...next, highSeconds: 0, lowSeconds: 0 },
    };
  },
  // The streaks restart after any change: the new parallelism has its own CPU profile.
  onActionOutcome: (state, outcome) =>
    outcome.target.parallelism === undefined ? state : { ...state, highSeconds: 0, lowSeconds: 0 },
};
