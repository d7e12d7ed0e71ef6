/**
 * FROZEN: the v5 rules (noise-aware troughs), kept verbatim for pipelines whose history recorded the
 * `scaling-adaptive-v5` marker but not `scaling-adaptive-v6` (workflows/scaling/controller.ts).
 * Do not change or tidy until that patch is deprecated; the live policy is ../adaptive.ts.
 * (The parts under ./adaptive/ are frozen with it.)
 *
 * shardpilot's own policy (SCALING.md "the goal"). Sizes both resources from demand
 * and backlog, learns the true Flink rate online, jumps straight to the target, and
 * spends the UpdateShardCount quota and restarts sparingly:
 *
 * - Demand = records accepted + records throttled (what producers offer), bytes too;
 *   extrapolated along its recent trend over the time an action needs to take effect.
 * - Backlog = millisBehindLatest × input rate; drained within `catchUpSeconds`.
 * - Shards grow when the demand projected over the reshard time nears the limit (or
 *   producers are throttled). A rise towards a peak that the last 2 h have already seen
 *   come and go (a cycle, a sawtooth) is projected to stop at that peak, and a stream
 *   scaled in below such a peak is sized for it at the target utilisation, so a recurring
 *   pattern is neither over-provisioned nor resharded every cycle. Flink grows only when
 *   the lag expected by the time the next tick's action could take effect, plus one
 *   restart's downtime, would pass `lagTargetSeconds` (or a backlog must be caught up) —
 *   not minutes ahead on a projection, and never for lag that drains by itself. Both land at their target
 *   utilisation, within 2×/½, bounds, the KPU maximum, the cost ceiling and the daily
 *   quota minus a reserve (throttling may spend it, pre-emptive moves may not).
 * - Scale in only with evidence from after the last action, never while producers are
 *   throttled or the backlog is above `backlogThresholdMs`, when the recent peak and the
 *   trend (a rise that has since dropped no longer counts) fit the smaller capacity, and
 *   (Flink) when the saving until demand is projected to return beats paying for the
 *   restart's downtime; the stream not while Flink may need to grow during the reshard.
 * - A stalled job (lag grows, nothing processed, CPU idle) gets no more parallelism:
 *   it would not help.
 * - Coordinated: one decision may carry both resources; the workflow applies the stream
 *   first when it grows and Flink first when it shrinks, so Flink's lag budget counts the
 *   wait for a reshard decided in the same tick. Parallelism stays ≤ shards ×
 *   `subtasksPerShard` unless that is 0.
 * - After a rollback the same direction on that resource is held for the cooldown.
 *
 * The parts, one responsibility each, under ./adaptive/: signals (one period as remembered),
 * demand (demand, trend, noise, peaks, backlog), estimate (learned unit rate and restart
 * time), restart-budget (hysteresis, restart and downtime budgets, a scale-in's worth),
 * stream and flink (sizing each resource), plan (one tick) and constrain (AWS rules, holds).
 */
import type { ActionOutcome, DecideResult, ScalingPolicy } from '../../types.js';
import { newSamples, parametersOf, validateAgainst } from '../common.js';
import { constrain } from './adaptive/constrain.js';
import { learn, learnAggregation, learnRestart } from './adaptive/estimate.js';
import { DEFAULTS, RULES } from './adaptive/params.js';
import { plan } from './adaptive/plan.js';
import { flinkLowWindow } from './adaptive/restart-budget.js';
import { toPoint } from './adaptive/signals.js';
import { initialAdaptiveState, type AdaptiveState } from './adaptive/state.js';

export type { AdaptiveState } from './adaptive/state.js';

export const adaptiveV5Policy: ScalingPolicy<AdaptiveState> = {
  name: 'adaptive',
  description: 'shardpilot: demand- and backlog-driven, learns the true Flink rate, jumps to the target within quota, coordinated, scales in only when stable.',
  defaultParameters: { ...DEFAULTS },
  validateParameters: (parameters) => validateAgainst(RULES, parameters),
  initialState: initialAdaptiveState,
  decide(state, obs, config): DecideResult<AdaptiveState> {
    const params = parametersOf(DEFAULTS, config);
    const fresh = newSamples(obs.samples, state.lastSampleTimestamp);
    const horizon = Math.max(params.shardLowWindowSeconds, flinkLowWindow(state, params), params.trendWindowSeconds, params.recurrenceWindowSeconds) + 600;
    const freshPoints = fresh.map((s) => toPoint(s, s.timestamp >= state.settledAt ? obs.capacity.parallelism : null, params.throttledShare));
    const points = [...state.points, ...freshPoints].filter((x) => x.t >= obs.now - horizon);
    const withPoints: AdaptiveState = {
      ...state,
      lastNow: obs.now,
      interval: state.lastNow !== null && obs.now > state.lastNow ? Math.min(obs.now - state.lastNow, 3600) : state.interval,
      points,
      lastSampleTimestamp: fresh.length ? fresh[fresh.length - 1]!.timestamp : state.lastSampleTimestamp,
    };
    const learned: AdaptiveState = {
      ...withPoints,
      ...learnRestart(state, fresh, params),
      unitRate: learn(state.unitRate, freshPoints, params),
      aggregation: learnAggregation(state.aggregation, fresh),
    };
    const planned = plan(learned, obs, config, params);
    const { target, reasons } = constrain(planned, learned, obs, config, params);
    const acting = Object.keys(target).length > 0;
    const nextState: AdaptiveState = acting
      ? { ...learned, pending: { target, from: { shards: obs.capacity.shards, parallelism: obs.capacity.parallelism } } }
      : learned;
    return { decision: { kind: acting ? 'scale' : 'none', target, reasons }, nextState };
  },
  onActionOutcome(state, outcome: ActionOutcome, config) {
    const holds = { ...state.holds };
    if (outcome.result !== 'applied' && state.pending) {
      const until = outcome.at + config.cooldownSeconds;
      const { from } = state.pending;
      if (outcome.target.shards !== undefined) holds[outcome.target.shards > from.shards ? 'shardsUp' : 'shardsDown'] = until;
      if (outcome.target.parallelism !== undefined) holds[outcome.target.parallelism > from.parallelism ? 'flinkUp' : 'flinkDown'] = until;
    }
    const restarted = outcome.result === 'applied' && outcome.target.parallelism !== undefined;
    // The last restart is always kept (the downtime budget's spacing may exceed an hour); older ones only for the hour.
    const all = [...(state.restartTimes ?? []), ...(restarted ? [outcome.at] : [])];
    const restartTimes = all.filter((t, i) => t > outcome.at - 3600 || i === all.length - 1);
    // Periods that overlap the action describe the old capacity or the restart: not evidence for the new one.
    return { ...state, holds, pending: null, settledAt: Math.max(state.settledAt, outcome.at), restartTimes };
  },
  // A calibrated (or hand-set) rate is the prior: the estimate restarts from it, and each busy period refines it.
  reseed(state, changed, config) {
    if (!changed.includes('recordsPerSecondPerParallelism')) return state;
    return { ...state, unitRate: parametersOf(DEFAULTS, config).recordsPerSecondPerParallelism };
  },
  learned: (state) => ({ recordsPerSecondPerParallelism: state.unitRate }),
};
