/**
 * FROZEN with ../adaptive.ts (the v5 rules, patch scaling-adaptive-v5): do not change.
 *
 * adaptive's parameters: their defaults (what a pipeline gets unless its spec sets one)
 * and the validation rule of each.
 */
import { ARTICLE_RECORDS_PER_PARALLELISM } from '../../common.js';

export const DEFAULTS = {
  recordsPerSecondPerParallelism: ARTICLE_RECORDS_PER_PARALLELISM,
  /** Utilisation a new capacity is sized for, and the utilisation (of projected demand) that triggers a scale-out. */
  shardTargetUtilization: 0.9,
  shardHighUtilization: 0.95,
  /** Shards are cheap and the quota is scarce: a scale-in leaves room for surges. */
  shardScaleInUtilization: 0.65,
  /** Smallest relative changes worth an UpdateShardCount call: calls are a scarce daily quota. */
  shardMinGrowth: 0,
  shardMinShrink: 0,
  flinkTargetUtilization: 0.9,
  /** Target utilisation of a Flink scale-out when a restart takes longer than `lagTargetSeconds`. */
  slowRestartUtilization: 0.9,
  flinkHighUtilization: 0.97,
  /** A smaller parallelism must carry the recent peak (and the trend) at this utilisation, so its restart backlog drains. */
  flinkScaleInUtilization: 0.9,
  /** Demand trend: fitted over this window, projected over the time an action needs to take effect… */
  trendWindowSeconds: 600,
  shortTrendWindowSeconds: 240,
  shardLeadSeconds: 420,
  flinkLeadSeconds: 240,
  /** …and sized for this far ahead when capacity grows, so one action lasts. */
  sizingHorizonSeconds: 300,
  maxProjectedGrowth: 0.25,
  /** Share of throttled puts counted as demand (the rest are retries of the same records). */
  throttledShare: 0.5,
  catchUpSeconds: 300,
  /** Catch-up after a scale-out spans at least this many restart downtimes. */
  catchUpRestarts: 5,
  /** How long a scale-out of the stream keeps Flink from changing (UPDATING, then verified). */
  reshardSeconds: 240,
  backlogThresholdMs: 10_000,
  /** Lag the policy plans to stay under (the article's alarm is at 60 s). */
  lagTargetSeconds: 55,
  /** Scale-in looks at the peak demand of this window. */
  flinkLowWindowSeconds: 120,
  /**
   * Hysteresis sized by the restart's cost: a Flink scale-in needs a low lasting at least
   * this many restart downtimes (a restart costs its downtime in lag; a low shorter than
   * that is not worth two restarts), and at least `flinkMinLowSeconds`.
   */
  hysteresisRestarts: 12,
  flinkMinLowSeconds: 600,
  /** Restart budget: scale-ins only while fewer than this many Flink restarts happened in the last hour. */
  restartBudgetPerHour: 4,
  /**
   * …and a downtime budget: a scale-in restart waits until the last restart is at least
   * restart × 3,600 ÷ this many seconds ago (45 s restarts: 15 min apart; 3 min: an hour; 10 min: 3 h 20).
   */
  restartBudgetSecondsPerHour: 180,
  /** Demand noise: sizing and triggers add this many standard deviations of the minute-to-minute noise. */
  /* 1.5, not 2: the target utilisation already leaves ~10 % above the projection for noise. */
  noiseSigmas: 1.5,
  /**
   * Cliff fast path: a drop by at least `cliffDrop` (a share of the window's peak) that has
   * persisted `cliffSeconds` may scale Flink in before the hysteresis window has passed.
   */
  cliffDrop: 0.4,
  cliffSeconds: 480,
  shardLowWindowSeconds: 1800,
  /**
   * A rise towards a peak seen within this window, after which demand fell by at least
   * `recurrenceDrop`, is projected to stop at that peak when sizing the stream (pre-emptive
   * moves only: throttling still scales out at once). 0 turns this off.
   */
  recurrenceWindowSeconds: 7200,
  recurrenceDrop: 0.2,
  /** Demand this share above the earlier peak still counts as that peak (noise), not as a new high. */
  recurrenceMargin: 0.05,
  /**
   * Noise-aware troughs: demand counts as a recurring pattern's trough (the stream then sized for that peak at the
   * target utilisation, not with scale-in headroom) only when every period of the last this many seconds was that low;
   * one noisy minute below the peak is not a trough. 0: the latest period alone (the v3 rule).
   */
  troughSeconds: 300,
  shardUpdateReserve: 3,
  subtasksPerShard: 1,
  learningRate: 0.3,
  minBusyForLearning: 0.3,
  /** Restart downtime assumed until one is observed in the `downtime` metric. */
  restartDowntimeSeconds: 45,
  maxCostPerHour: 0,
  /** What one minute above the lag target is worth avoiding, in dollars: a slow restart's breach is weighed against its saving. */
  sloMinuteDollars: 1,
  /** How long a stable low is expected to last when weighing a scale-in's saving (no rising trend). */
  scaleInHorizonSeconds: 14_400,
  /**
   * Restarts a scale-in is charged for: its own and, unless the low lasts, the one that
   * brings the capacity back when demand returns (a causal policy cannot know which).
   */
  scaleInRestarts: 2,
  shardHourPrice: 0.015,
  kpuHourPrice: 0.11,
  defaultBytesPerRecord: 350,
};
export const RULES: Record<keyof typeof DEFAULTS, { min: number; max: number; integer?: boolean }> = {
  recordsPerSecondPerParallelism: { min: 1, max: 10_000_000 },
  shardTargetUtilization: { min: 0.1, max: 1 },
  shardHighUtilization: { min: 0.1, max: 1 },
  shardScaleInUtilization: { min: 0.1, max: 1 },
  shardMinGrowth: { min: 0, max: 1 },
  shardMinShrink: { min: 0, max: 1 },
  flinkTargetUtilization: { min: 0.1, max: 1 },
  slowRestartUtilization: { min: 0.1, max: 1 },
  flinkHighUtilization: { min: 0.1, max: 1 },
  flinkScaleInUtilization: { min: 0.1, max: 1 },
  trendWindowSeconds: { min: 0, max: 86_400 },
  shortTrendWindowSeconds: { min: 0, max: 86_400 },
  shardLeadSeconds: { min: 0, max: 86_400 },
  flinkLeadSeconds: { min: 0, max: 86_400 },
  sizingHorizonSeconds: { min: 0, max: 86_400 },
  maxProjectedGrowth: { min: 0, max: 100 },
  throttledShare: { min: 0, max: 1 },
  catchUpSeconds: { min: 1, max: 86_400 },
  catchUpRestarts: { min: 0, max: 1000 },
  reshardSeconds: { min: 0, max: 86_400 },
  lagTargetSeconds: { min: 1, max: 86_400 },
  backlogThresholdMs: { min: 0, max: 86_400_000 },
  flinkLowWindowSeconds: { min: 0, max: 86_400 },
  hysteresisRestarts: { min: 0, max: 1000 },
  flinkMinLowSeconds: { min: 0, max: 86_400 },
  restartBudgetPerHour: { min: 0, max: 60, integer: true },
  restartBudgetSecondsPerHour: { min: 1, max: 3600 },
  noiseSigmas: { min: 0, max: 10 },
  cliffDrop: { min: 0, max: 1 },
  cliffSeconds: { min: 0, max: 86_400 },
  shardLowWindowSeconds: { min: 0, max: 86_400 },
  recurrenceWindowSeconds: { min: 0, max: 86_400 },
  recurrenceDrop: { min: 0, max: 1 },
  recurrenceMargin: { min: 0, max: 1 },
  troughSeconds: { min: 0, max: 86_400 },
  shardUpdateReserve: { min: 0, max: 9, integer: true },
  subtasksPerShard: { min: 0, max: 64, integer: true },
  learningRate: { min: 0, max: 1 },
  minBusyForLearning: { min: 0.01, max: 1 },
  restartDowntimeSeconds: { min: 0, max: 3600 },
  maxCostPerHour: { min: 0, max: 1_000_000 },
  sloMinuteDollars: { min: 0, max: 1_000_000 },
  scaleInHorizonSeconds: { min: 60, max: 7 * 86_400 },
  scaleInRestarts: { min: 1, max: 10 },
  shardHourPrice: { min: 0, max: 1000 },
  kpuHourPrice: { min: 0, max: 1000 },
  defaultBytesPerRecord: { min: 1, max: 1_048_576 },
};
export type Params = typeof DEFAULTS;
