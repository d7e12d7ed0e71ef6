/**
 * Flink sizing: grow when the lag expected by the next chance to act, plus one restart,
 * would pass the lag target (or a backlog must be caught up), jumping once to what the
 * next hysteresis window is likely to bring; shrink only on a low that pays for its restart.
 */
import type { Observation, PolicyConfig } from '../../types.js';
import { SHARD_RECORDS_PER_SECOND, fmt, shardRange } from '../common.js';
import { lagAfter, windowPeak, type BacklogView, type DemandView } from './demand.js';
import { aggregationOf, kinesisUnitRateOf, restartOf } from './estimate.js';
import type { Params } from './params.js';
import { flinkLowWindow, restartBudgetBlocker, scaleInWorth } from './restart-budget.js';
import { intervalOf, type AdaptiveState } from './state.js';

export function planFlink(
  state: AdaptiveState, obs: Observation, config: PolicyConfig, params: Params,
  view: DemandView, lag: BacklogView, stream: { wantShards: number; throttled: boolean }, reasons: string[],
): number {
  const { shards, parallelism: p, parallelismPerKpu: ppk } = obs.capacity;
  const { pts, latest, d0, rising, risingNow, ahead, headroom } = view;
  const { lagMs, growing, catchUp } = lag;
  // Kinesis records/s per parallelism unit (user records ÷ the aggregation factor): demand and backlog count Kinesis records.
  const unit = kinesisUnitRateOf(state, params);
  // Flink must process what producers offer (once the stream lets it in) plus the catch-up.
  const reachableShards = Math.min(stream.wantShards, shardRange(shards, config.limits).max);
  const cap = (d: number) => Math.min(d, reachableShards * SHARD_RECORDS_PER_SECOND);
  // A stream that needs several doublings lets demand in over the next reshards. When a restart breaches the lag
  // target by itself, a scale-out is sized for all of it (within this step's parallelism cap), so Flink restarts once,
  // not once per doubling; a fast restart costs no SLO minute, so it sizes for what this step lets in, and learns the rest.
  const restartBreaches = restartOf(state, params) > params.lagTargetSeconds;
  const eventualShards = restartBreaches ? Math.min(stream.wantShards, config.limits.maxShards) : reachableShards;
  const capEventual = (d: number) => Math.min(d, eventualShards * SHARD_RECORDS_PER_SECOND);
  const capacity = p * unit;
  const stalled = latest.processed !== null && latest.processed / aggregationOf(state) < 0.05 * latest.incoming && growing && (latest.cpu ?? 0) < 20;
  // Lag budget: a restart adds its downtime to the lag, so Flink must grow while the lag
  // expected by the time the *next* tick's action would take effect still leaves room for it.
  const staleness = Math.max(0, obs.now - (latest.t + latest.seconds));
  const restart = restartOf(state, params);
  const lowWindow = flinkLowWindow(state, params);
  // A reshard decided now keeps Flink waiting until the stream is ACTIVE again: the next chance to act comes after it.
  const reshardWait = stream.wantShards > shards ? params.reshardSeconds : 0;
  const nextTickDone = staleness + intervalOf(state) + reshardWait + restart;
  const lagThen = lagAfter(lagMs / 1000, (t) => cap(d0 + rising * t), capacity, nextTickDone);
  // The backlog is caught up over the same time the scale-out is sized for (longer with slow restarts): a trigger
  // that wanted it within `catchUpSeconds` would fire again after every restart that was sized to take longer.
  const catchUpTime = Math.max(params.catchUpSeconds, params.catchUpRestarts * restart);
  const projected = cap(ahead(params.flinkLeadSeconds)) + (catchUp * params.catchUpSeconds) / catchUpTime;
  // Lag that drains on its own (capacity above demand) is no reason for another restart.
  const short = cap(ahead(nextTickDone)) > capacity;
  if (stalled) {
    reasons.push(`Flink processes ${fmt(latest.processed ?? 0)} rec/s at CPU ${fmt(latest.cpu ?? 0)} %: stalled, not short of capacity; holding`);
    return p;
  }
  if ((short && lagThen + restart > params.lagTargetSeconds) || (catchUp > 0 && (projected > capacity || growing))) {
    // Sized once for what the next hysteresis window is likely to bring: the projection plus the noise, and at least
    // the window's own peak (which a scale-in would keep anyway), so a recurring swing is not chased step by step.
    const recentPeak = windowPeak(pts, latest, lowWindow).peak;
    const base = Math.max(capEventual(ahead(params.flinkLeadSeconds + params.sizingHorizonSeconds)) + headroom, cap(recentPeak));
    // The restart this scale-out causes leaves its own backlog (demand × downtime) to catch up, as DS2 sizes it.
    // With slow restarts the size sticks for hours (scale-in must pay for a breach): catch up over longer, size less for it.
    const sized = base + (catchUp * params.catchUpSeconds) / catchUpTime + (base * restart) / catchUpTime;
    // A restart longer than the lag target breaches the SLO by itself: buy more headroom with each one.
    const util = restart > params.lagTargetSeconds ? Math.min(params.flinkTargetUtilization, params.slowRestartUtilization) : params.flinkTargetUtilization;
    const wantP = Math.max(p + 1, Math.ceil(sized / (unit * util) - 1e-9));
    reasons.push(`Flink: lag expected ${fmt(lagThen)} s by the next chance to act (+ ${fmt(restart)} s restart, target ${fmt(params.lagTargetSeconds)} s); `
      + `projected ${fmt(projected)} rec/s vs ${fmt(capacity)} (parallelism ${p}) → ${wantP} for ${fmt(sized)} rec/s`);
    return wantP;
  }
  if (stream.throttled) {
    reasons.push('Flink: producers are still retrying throttled records; no scale-in until they have caught up');
    return p;
  }
  if (!lag.evidence || lagMs > params.backlogThresholdMs) return p;
  const long = windowPeak(pts, latest, lowWindow);
  // Cliff fast path: a deep drop that has persisted is a new level, not a trough; it need not wait out the window.
  const recentLow = windowPeak(pts, latest, params.cliffSeconds);
  const cliff = recentLow.covered && long.peak > 0 && recentLow.peak <= (1 - params.cliffDrop) * long.peak && risingNow * params.cliffSeconds < headroom + 1;
  const low = cliff ? recentLow : long;
  const need = Math.max(low.peak, cap(d0 + risingNow * (params.flinkLeadSeconds + params.sizingHorizonSeconds))) + headroom;
  const fit = Math.max(1, Math.ceil(need / (unit * params.flinkScaleInUtilization) - 1e-9));
  if (!low.covered || fit >= p) return p;
  const blocked = restartBudgetBlocker(state, obs.now, fit, restart, params);
  if (blocked) {
    reasons.push(blocked);
    return p;
  }
  if (cliff) reasons.push(`Flink: demand ${fmt(recentLow.peak)} rec/s for ${fmt(params.cliffSeconds)} s, ≥ ${fmt(params.cliffDrop * 100)} % below the ${fmt(long.peak)} peak: a lasting drop`);
  // A low after demand the smaller capacity could not carry is likely a trough (demand returns: a second restart);
  // capacity that recent demand never needed was over-sized, and cutting it costs one restart.
  const returnPeak = windowPeak(pts, latest, Math.max(lowWindow, params.recurrenceWindowSeconds)).peak;
  const roundTrip = returnPeak > fit * unit * params.flinkHighUtilization;
  const w = scaleInWorth({ shards, p, fit, ppk, unit, d0, risingNow, restart, roundTrip }, params);
  if (w.worth) {
    reasons.push(`Flink: peak ${fmt(low.peak)} rec/s over ${fmt(cliff ? params.cliffSeconds : lowWindow)} s (+ ${fmt(headroom)} noise) fits parallelism ${fit}; saves $${w.saving.toFixed(3)} over ${fmt(w.lowFor)} s > $${w.downtime.toFixed(3)} of downtime`);
    return fit;
  }
  const breach = w.breachMinutes > 0 ? `, ${Number.isFinite(w.breachMinutes) ? w.breachMinutes.toFixed(1) : 'unbounded'} SLO minutes per restart while down and draining` : '';
  reasons.push(`Flink: parallelism ${fit} would do, but saves only $${w.saving.toFixed(3)} before demand returns (downtime worth $${w.downtime.toFixed(3)}${breach})`);
  return p;
}
