/**
 * The yardstick: the cheapest capacity plan that carries every minute's demand, found
 * with perfect foresight by dynamic programming over minutes — separately for shards
 * (state: shard count × UpdateShardCount calls used; each call within 2×/½, issued
 * `reshardSeconds` early and billed at the larger count meanwhile) and for Flink
 * (state: parallelism; any change is a restart whose downtime, shorter than the SLO,
 * is absorbed because the new capacity exceeds demand). Where no capacity can carry a
 * minute (demand beyond the bounds, or a stalled job), the plan drains the backlog at
 * the maximum afterwards, which is what minimises SLO minutes. The plan is then run
 * through the same simulator as the policies, so its cost and lag are measured, not
 * assumed. It is a lower bound on cost only among plans that never queue on purpose;
 * a plan that rides a backlog within the 60 s SLO could be marginally cheaper.
 */
import { DAY_SECONDS, SHARD_UPDATES_PER_DAY, type Decision } from '../../../scaling/types.js';
import type { CloudWatchRecorder } from './cloudwatch.js';
import { SHARD_READ_BYTES, SHARD_WRITE_BYTES, SHARD_WRITE_RECORDS, type PlatformModel } from './model.js';
import type { Controller, SimOptions } from './simulate.js';
import type { Tally } from './tally.js';
import type { Trace } from './trace.js';

export interface OraclePlan {
  shards: number[];
  parallelism: number[];
}

interface MinuteDemand {
  demand: number;
  bytes: number;
  unitRate: number;
}

function perMinute(trace: Trace, configuredUnitRate: number): MinuteDemand[] {
  const minutes = Math.ceil(trace.durationSeconds / 60);
  const out: MinuteDemand[] = Array.from({ length: minutes }, () => ({ demand: 0, bytes: 0, unitRate: Infinity }));
  trace.rows.forEach((row, i) => {
    const end = trace.rows[i + 1]?.t ?? trace.durationSeconds;
    for (let m = Math.floor(row.t / 60); m < Math.ceil(end / 60) && m < minutes; m++) {
      const slot = out[m]!;
      slot.demand = Math.max(slot.demand, row.recordsPerSecond);
      slot.bytes = Math.max(slot.bytes, row.bytesPerRecord);
      slot.unitRate = Math.min(slot.unitRate, row.trueRatePerParallelism ?? configuredUnitRate);
    }
  });
  return out;
}

/**
 * Minimum capacity per minute (in units of `perUnit` records/s), forcing `max` while a
 * backlog drains; `ceiling` bounds the drain rate (records/s) whatever the capacity.
 * The change of capacity that starts a drain costs `restartSeconds` without processing
 * (Flink's restart), so the drain is planned to last as long as it really does.
 * `queued[m]` tells the minutes that start or end with a backlog (building or draining).
 */
function needs(demand: number[], perUnit: number[], min: number, max: number, ceiling: number[] = [], queued: boolean[] = [], restartSeconds = 0): number[] {
  let backlog = 0;
  let previous = -1;
  let down = 0;
  return demand.map((d, m) => {
    const unit = perUnit[m]!;
    if (unit <= 0) {
      backlog += d * 60;
      queued[m] = backlog > 0;
      return min;
    }
    const need = backlog > 0 ? max : Math.min(max, Math.max(min, Math.ceil(d / unit - 1e-9)));
    // Only the restart into a drain is counted: other changes are planned ahead, and their downtime is absorbed.
    if (backlog > 0 && previous >= 0 && previous !== max) down = restartSeconds;
    previous = need;
    const seconds = Math.max(0, 60 - down);
    down = Math.max(0, down - 60);
    const start = backlog;
    backlog = Math.max(0, backlog + d * 60 - Math.min(need * unit, ceiling[m] ?? Infinity) * seconds);
    queued[m] = start > 0 || backlog > 0;
    return need;
  });
}

/** Minutes since the last restart that the Flink planner tells apart; beyond it a backlog is assumed drained. */
const RESTART_MEMORY = 10;

/**
 * Cheapest parallelism per minute. A change is a restart: no processing for
 * `restartSeconds`, billed at the larger parallelism meanwhile. A restart is allowed
 * only once the previous one's backlog has drained (processing capacity since that
 * restart ≥ arrivals since), so lag never stacks above one downtime.
 */
function planParallelism(demand: number[], unitRate: number[], need: number[], initial: number, max: number, ppk: number, restartSeconds: number, restartPenalty = 0): number[] {
  const M = need.length;
  const K = RESTART_MEMORY + 1;
  const kpu = (p: number) => Math.ceil(p / ppk) + 1;
  const rateSum = [0];
  const demandSum = [0];
  for (let m = 0; m < M; m++) {
    rateSum.push(rateSum[m]! + unitRate[m]! * 60);
    demandSum.push(demandSum[m]! + demand[m]! * 60);
  }
  const drained = (q: number, m: number, k: number) =>
    k >= RESTART_MEMORY
    || q * (rateSum[m]! - rateSum[m - k]! - unitRate[m - k]! * restartSeconds) >= demandSum[m]! - demandSum[m - k]!;
  const idx = (p: number, k: number) => p * K + k;
  let cost = new Float64Array((max + 1) * K).fill(Infinity);
  cost[idx(initial, RESTART_MEMORY)] = 0;
  const parent: Int32Array[] = [];
  // Per parallelism q, the cheapest state a restart may leave from this minute (the first k on ties, as a scan of
  // every (q, k) for every target would pick): the target's terms depend on q only, so the scan is done once per q.
  const restartFrom = new Int32Array(max + 1);
  for (let m = 0; m < M; m++) {
    for (let q = 1; q <= max; q++) {
      let best = -1;
      for (let k = 1; k < K; k++) {
        const before = cost[idx(q, k)]!;
        if (before === Infinity || (best >= 0 && before >= cost[idx(q, best)]!) || !drained(q, m, k)) continue;
        best = k;
      }
      restartFrom[q] = best;
    }
    let next = new Float64Array((max + 1) * K).fill(Infinity);
    let from = new Int32Array((max + 1) * K);
    // A minute no reachable plan can carry (e.g. at the very start) is relaxed, not fatal.
    for (const floor of [need[m]!, 1]) {
    next = new Float64Array((max + 1) * K).fill(Infinity);
    from = new Int32Array((max + 1) * K);
    for (let p = floor; p <= max; p++) {
      for (let k = 0; k < K; k++) {
        const before = cost[idx(p, k)]!;
        if (before === Infinity) continue;
        const to = idx(p, Math.min(RESTART_MEMORY, k + 1));
        if (before + kpu(p) < next[to]!) {
          next[to] = before + kpu(p);
          from[to] = idx(p, k);
        }
      }
      for (let q = 1; q <= max; q++) {
        if (q === p) continue;
        const k = restartFrom[q]!;
        if (k < 0) continue;
        const c = cost[idx(q, k)]! + kpu(p) + 1e-6 + restartPenalty + ((kpu(Math.max(p, q)) - kpu(p)) * restartSeconds) / 60;
        if (c < next[idx(p, 0)]!) {
          next[idx(p, 0)] = c;
          from[idx(p, 0)] = idx(q, k);
        }
      }
    }
    if (next.some((c) => c !== Infinity)) break;
    }
    parent.push(from);
    cost = next;
  }
  return backtrack(cost, parent).map((i) => Math.floor(i / K));
}

/**
 * Cheapest shard count per minute with at most `quota` UpdateShardCount calls, each
 * within 2×/½ and issued only once the previous reshard has finished (state: shards ×
 * calls used × minutes since the last change, capped at the reshard lead).
 */
function planShards(need: number[], initial: number, min: number, max: number, quota: number, reshardSeconds: number): number[] {
  const M = need.length;
  const K = quota + 1;
  const lead = Math.ceil(reshardSeconds / 60);
  const L = lead + 1;
  const idx = (s: number, k: number, since: number) => (s * K + k) * L + since;
  let cost = new Float64Array((max + 1) * K * L).fill(Infinity);
  cost[idx(initial, 0, lead)] = 0;
  const parent: Int32Array[] = [];
  for (let m = 0; m < M; m++) {
    let next = new Float64Array((max + 1) * K * L).fill(Infinity);
    let from = new Int32Array((max + 1) * K * L);
    for (const floor of [Math.max(min, need[m]!), min]) {
    next = new Float64Array((max + 1) * K * L).fill(Infinity);
    from = new Int32Array((max + 1) * K * L);
    const relax = (to: number, c: number, prev: number) => {
      if (c < next[to]!) {
        next[to] = c;
        from[to] = prev;
      }
    };
    for (let s = floor; s <= max; s++) {
      for (let k = 0; k < K; k++) {
        for (let since = 0; since < L; since++) {
          const stay = cost[idx(s, k, since)]!;
          if (stay !== Infinity) relax(idx(s, k, Math.min(lead, since + 1)), stay + s, idx(s, k, since));
        }
        if (k === 0 || m < lead) continue;
        for (let q = Math.max(min, Math.ceil(s / 2)); q <= Math.min(max, 2 * s); q++) {
          if (q === s || s > 2 * q || s < Math.ceil(q / 2)) continue;
          const before = cost[idx(q, k - 1, lead)]!;
          if (before === Infinity) continue;
          relax(idx(s, k, 0), before + s + 1e-6 + ((Math.max(s, q) - q) * reshardSeconds) / 60, idx(q, k - 1, lead));
        }
      }
    }
    if (next.some((c) => c !== Infinity)) break;
    }
    parent.push(from);
    cost = next;
  }
  return backtrack(cost, parent).map((i) => Math.floor(i / (K * L)));
}

/** Follows parent pointers from the cheapest final state; returns the state per minute. */
function backtrack(cost: Float64Array, parent: ArrayLike<number>[]): number[] {
  let best = 0;
  for (let i = 1; i < cost.length; i++) if (cost[i]! < cost[best]!) best = i;
  const states: number[] = new Array(parent.length);
  for (let m = parent.length - 1; m >= 0; m--) {
    states[m] = best;
    best = parent[m]![best]!;
  }
  return states;
}

/**
 * What the oracle charges for a restart that breaches the SLO by itself (downtime longer
 * than the SLO), in KPU-minutes: the SLO minutes it causes (the downtime beyond the SLO,
 * plus a minute to drain) valued at ORACLE_SLO_MINUTE_DOLLARS each. The oracle then puts
 * the SLO first and restarts only where the saving clearly pays for the breach; with
 * restarts shorter than the SLO it costs nothing and the plan is simply the cheapest.
 */
export const ORACLE_SLO_MINUTE_DOLLARS = 1;
function restartPenalty(options: SimOptions): number {
  if (options.restartSeconds <= options.sloSeconds) return 0;
  const sloMinutes = (options.restartSeconds - options.sloSeconds) / 60 + 1;
  return (sloMinutes * ORACLE_SLO_MINUTE_DOLLARS * 60) / options.prices.kpuHour;
}

export function planOracle(trace: Trace, options: SimOptions): OraclePlan {
  const minutes = perMinute(trace, options.configuredUnitRate);
  const { limits } = options.config;
  const ppk = options.initial.parallelismPerKpu;
  const maxP = Math.max(1, Math.min(limits.maxParallelism, (limits.maxKpus - 1) * ppk));
  const shardUnit = minutes.map((x) => Math.min(SHARD_WRITE_RECORDS, SHARD_WRITE_BYTES / x.bytes));
  const demand = minutes.map((x) => x.demand);
  const shardNeed = needs(demand, shardUnit, limits.minShards, limits.maxShards);
  // A backlog drains through at most maxShards subtasks (one per shard) at 2 MB/s per shard (model.ts).
  const drainCeiling = minutes.map((x) => Math.min((limits.maxShards * SHARD_READ_BYTES) / x.bytes, limits.maxShards * x.unitRate));
  const queued: boolean[] = [];
  const pNeed = needs(demand, minutes.map((x) => x.unitRate), limits.minParallelism, maxP, drainCeiling, queued, options.restartSeconds);
  // The source reads a shard with one subtask, so a minute's parallelism is busy only with as many shards; and
  // while a backlog builds or drains the stream must already have the shards to drain it (2 MB/s and one subtask
  // each): a reshard under backlog would leave it in the closed parent shards, which fewer subtasks read first.
  pNeed.forEach((p, m) => {
    let want = p;
    if (queued[m]) want = Math.max(maxP, Math.ceil((maxP * minutes[m]!.unitRate * minutes[m]!.bytes) / SHARD_READ_BYTES - 1e-9));
    shardNeed[m] = Math.min(limits.maxShards, Math.max(shardNeed[m]!, want));
  });
  const quota = SHARD_UPDATES_PER_DAY * Math.ceil(trace.durationSeconds / DAY_SECONDS);
  return {
    shards: planShards(shardNeed, options.initial.shards, limits.minShards, limits.maxShards, quota, options.reshardSeconds),
    parallelism: planParallelism(demand, minutes.map((x) => x.unitRate), pNeed, options.initial.parallelism, maxP, ppk, options.restartSeconds, restartPenalty(options)),
  };
}

/** Executes the plan: each shard change is issued `reshardSeconds` before the minute it is needed. */
export function oracleController(plan: OraclePlan, options: SimOptions): Controller {
  const shardCalls = new Map<number, number>();
  const restarts = new Map<number, number>();
  plan.shards.forEach((s, m) => {
    if (s !== (m === 0 ? options.initial.shards : plan.shards[m - 1])) shardCalls.set(Math.max(0, m * 60 - options.reshardSeconds), s);
  });
  plan.parallelism.forEach((p, m) => {
    if (p !== (m === 0 ? options.initial.parallelism : plan.parallelism[m - 1])) restarts.set(m * 60, p);
  });
  const waiting: number[] = [];
  const decisions: Decision[] = [];
  return {
    decisions,
    beforeSecond(second: number, model: PlatformModel, _recorder: CloudWatchRecorder, tally: Tally) {
      const shards = shardCalls.get(second);
      if (shards !== undefined) waiting.push(shards);
      if (waiting.length > 0 && !model.streamUpdating) {
        const to = waiting.shift()!;
        // AWS's rules hold for the oracle too: a call beyond 2×/½ or over the rolling 24 h quota is refused (the
        // plan keeps both within a day; a trace longer than a day could otherwise spend two days' quota at once).
        const used = model.shardUpdateTimes.filter((t) => t > second - DAY_SECONDS).length;
        const legal = to <= 2 * model.shards && 2 * to >= model.shards && used < SHARD_UPDATES_PER_DAY;
        if (!legal) tally.rejected++;
        else if (to !== model.shards) {
          model.startReshard(second, to);
          tally.actions++;
          decisions.push({ kind: 'scale', target: { shards: to }, reasons: ['oracle plan'] });
        }
      }
      const p = restarts.get(second);
      if (p !== undefined && p !== model.parallelism) {
        model.startRestart(second, p);
        tally.actions++;
        decisions.push({ kind: 'scale', target: { parallelism: p }, reasons: ['oracle plan'] });
      }
    },
  };
}
