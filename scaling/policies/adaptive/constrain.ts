/**
 * From the capacity adaptive wants to what it may ask for: bounds, the 2×/½ rule, the
 * daily UpdateShardCount quota and its reserve, the KPU maximum, the cost ceiling, the
 * parallelism cap (shards × subtasks-per-shard) and the holds after a rollback.
 */
import type { Observation, PolicyConfig, ScalingTarget } from '../../types.js';
import {
  flinkChangeBlocker, fmt, kpus, maxParallelismFor, outOfBounds, remainingShardUpdates, shardChangeBlocker, shardRange,
} from '../common.js';
import type { Params } from './params.js';
import { costPerHour } from './restart-budget.js';
import type { AdaptiveState, Plan } from './state.js';

/**
 * The UpdateShardCount calls a scale-in to `to` shards must leave: enough to double back to `maxShards`
 * under a surge (throttling may spend them all) plus one, at most `shardUpdateReserve`. A stream cut to 12 of
 * 16 shards needs one call back, so it keeps 2, not 3; one cut to 4 keeps 3. The full reserve stays for a
 * recurring pattern's trough (its peak comes back: the cut would cost a second call) and after producers
 * were throttled within the recurrence window (demand recently outgrew the stream).
 */
export function scaleInReserve(to: number, planned: Plan, state: AdaptiveState, obs: Observation, maxShards: number, params: Params): number {
  const recentlyThrottled = state.points.some((x) => x.t > obs.now - params.recurrenceWindowSeconds && x.demand > x.incoming + 1);
  if (planned.trough || recentlyThrottled) return params.shardUpdateReserve;
  const doublingsBack = Math.max(0, Math.ceil(Math.log2(maxShards / Math.max(1, to)) - 1e-9));
  return Math.min(params.shardUpdateReserve, doublingsBack + 1);
}

/** Applies bounds, the 2×/½ rule, the quota and its reserve, the KPU maximum, the cost ceiling and holds. */
export function constrain(planned: Plan, state: AdaptiveState, obs: Observation, config: PolicyConfig, params: Params): { target: ScalingTarget; reasons: string[] } {
  const { shards, parallelism: p, parallelismPerKpu: ppk } = obs.capacity;
  const reasons = [...planned.reasons];
  const target: ScalingTarget = {};
  const latest = state.points[state.points.length - 1];
  const throttling = latest !== undefined && latest.demand > latest.incoming;

  const sps = params.subtasksPerShard;
  const limits = config.limits;
  const outside = outOfBounds(obs.capacity, limits);
  if (outside) reasons.push(`outside the bounds (${outside}): returning in AWS-legal steps unless that would cut capacity under load`);

  // Parallelism first: within bounds, the KPU maximum and the cost ceiling; a scale-out is never turned into a cut.
  const maxP = maxParallelismFor(limits, ppk);
  let pp = Math.min(Math.max(planned.parallelism, limits.minParallelism), maxP);
  if (params.maxCostPerHour > 0) {
    while (pp > Math.max(p, limits.minParallelism) && costPerHour(shards, pp, ppk, params) > params.maxCostPerHour) pp--;
  }
  if (planned.parallelism > p && pp < p) {
    reasons.push(`Flink needs ${planned.parallelism} but the bounds allow ${pp}: holding parallelism ${p}, not cutting under load`);
    pp = p;
  }

  // Shards: within 2×/½ and bounds (one legal step towards them when outside), the cost ceiling, never a cut on a
  // scale-out, and on a scale-in never below what the parallelism needs (parallelism ≤ shards × subtasks-per-shard).
  const range = shardRange(shards, limits);
  let s = Math.min(Math.max(planned.shards, range.min), range.max);
  if (params.maxCostPerHour > 0) {
    while (s > shards && costPerHour(s, pp, ppk, params) > params.maxCostPerHour) s--;
  }
  if (planned.shards > shards && s < shards) {
    reasons.push(`the stream needs ${planned.shards} shards but the bounds allow ${s}: holding ${shards}, not cutting under load`);
    s = shards;
  }
  if (sps > 0 && s < shards) {
    // Flink shrinks before the stream; if Flink cannot change now, the current parallelism is what must fit.
    const after = flinkChangeBlocker(obs) === null ? pp : Math.max(p, pp);
    const floor = Math.min(shards, Math.ceil(after / sps));
    if (s < floor) {
      reasons.push(`shards stay ≥ ${floor} for parallelism ${pp} at ${sps} subtask(s) per shard`);
      s = floor;
    }
  }
  if (s !== shards) {
    const up = s > shards;
    const reserve = up ? (throttling ? 0 : params.shardUpdateReserve - 1) : scaleInReserve(s, planned, state, obs, limits.maxShards, params);
    const blocker = shardChangeBlocker(obs, Math.max(0, reserve));
    const held = obs.now < (up ? state.holds.shardsUp : state.holds.shardsDown);
    if (blocker) reasons.push(`shards ${shards} → ${s} blocked: ${blocker}`);
    else if (held) reasons.push(`shards ${shards} → ${s} held after a rollback until ${fmt(state.holds[up ? 'shardsUp' : 'shardsDown'] - obs.now)} s from now`);
    else {
      target.shards = s;
      const left = remainingShardUpdates(obs);
      const dipped = !up && left <= params.shardUpdateReserve;
      reasons.push(`shards ${shards} → ${s} (${left} UpdateShardCount calls left in 24 h${dipped ? `; ${reserve} kept in reserve: enough to double back to ${limits.maxShards} shards, and one more` : ''})`);
    }
  }

  // The parallelism cap uses the shard count this decision really leaves (after 2×/½, quota, bounds and holds).
  const finalShards = target.shards ?? shards;
  if (sps > 0 && pp > finalShards * sps) {
    const cap = finalShards * sps;
    if (pp > p) {
      const capped = Math.max(p, cap);
      reasons.push(`parallelism capped at ${capped}: ${finalShards} shards × ${sps} subtask(s) per shard${capped > cap ? ' (already above it; not raised further, not cut under load)' : ''}`);
      pp = capped;
    } else {
      reasons.push(`parallelism ${pp} > ${finalShards} shards × ${sps}: lowered to ${cap}`);
      pp = Math.max(limits.minParallelism, cap);
    }
  }
  if (pp !== p) {
    const up = pp > p;
    const blocker = flinkChangeBlocker(obs);
    const held = obs.now < (up ? state.holds.flinkUp : state.holds.flinkDown);
    // Shrinking Flink while the stream grows would undo the coordination order; wait for the next tick.
    const crossed = !up && target.shards !== undefined && target.shards > shards;
    if (blocker) reasons.push(`parallelism ${p} → ${pp} blocked: ${blocker}`);
    else if (held) reasons.push(`parallelism ${p} → ${pp} held after a rollback`);
    else if (crossed) reasons.push(`parallelism ${p} → ${pp} waits until the stream has grown`);
    else {
      target.parallelism = pp;
      reasons.push(`parallelism ${p} → ${pp} (${kpus(p, ppk)} → ${kpus(pp, ppk)} KPUs)`);
    }
  }
  return { target, reasons };
}
