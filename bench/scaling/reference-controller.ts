/**
 * "reactive-ideal": a bench-only causal reference controller (issue 16, session 9). It is
 * NOT a product policy. It is given what no real policy has — the trace's true demand
 * (records/s, bytes/record) and true per-parallelism rate this second, the producers'
 * retry backlog and the stream backlog exactly, with no CloudWatch delay — but nothing
 * about the future, and it obeys every rule AWS enforces on the policies: UpdateShardCount
 * within 2×/½ and the 10-per-24 h quota, shard and parallelism bounds, the KPU maximum, one
 * reshard and one restart at a time. It runs in the same simulator, with the same AWS timing
 * and the same tally as the policies and the oracle, so its figures compare 1:1.
 *
 * Idealised beyond sensing in one more way: stream and Flink act independently (like the
 * oracle), not one action at a time with a 60 s verification as the workflow's saga does.
 */
import { kpusFor } from '../../model/spec.js';
import { DAY_SECONDS, SHARD_UPDATES_PER_DAY, type Decision } from '../../scaling/types.js';
import { SHARD_WRITE_BYTES, SHARD_WRITE_RECORDS, type PlatformModel } from './sim/model.js';
import { ORACLE_SLO_MINUTE_DOLLARS } from './sim/oracle.js';
import type { Controller, SimOptions } from './sim/simulate.js';
import type { Tally } from './sim/tally.js';
import { rowAtSecond, type Trace, type TraceRow } from './sim/trace.js';

export interface ReferenceParams {
  /** Stream headroom: shards for demand × (1 + h_s). */
  streamHeadroom: number;
  /** A hard floor on shards (0: none). */
  shardFloor: number;
  /** Flink headroom: parallelism for what the stream passes × (1 + h_f). */
  flinkHeadroom: number;
  /** Share of each headroom left when the side grows (0: only once capacity no longer carries demand). */
  streamTrigger: number;
  flinkTrigger: number;
  /** Demand must have stayed below the smaller size this long before a scale-in (seconds). */
  streamHoldSeconds: number;
  flinkHoldSeconds: number;
  /** A backlog (the producers' or the stream's) is to be drained within this many seconds. */
  drainSeconds: number;
  /** After a restart slower than the SLO, a scale-out brings the lag back under it within this many downtimes. */
  catchUpRestarts: number;
  /** A Flink scale-in must save, over this horizon, more than its restart costs. */
  savingHorizonSeconds: number;
  /** UpdateShardCount calls a scale-in leaves unused in the rolling 24 h beyond those needed to double back to maxShards. */
  quotaReserve: number;
  /** A stream scale-in must drop at least this share of the shards (a call is a scarce daily quota). */
  minShrink: number;
  /**
   * Ablation only (0 in the grid): sees demand, rates and backlogs this many seconds late, as a policy reading
   * CloudWatch does, to measure what the delay alone costs.
   */
  sensingDelaySeconds: number;
  /**
   * Ablation only (0 in the grid), and NOT causal: a perfect forecast. Each side is sized for the largest load the
   * trace will bring within the next this many seconds (the stream for records and bytes per shard, Flink for records
   * per unit of its true rate), as a policy with an exact forecast of that horizon would be. Backlogs stay present.
   * Measures what a forecast could be worth; 0 keeps the controller causal.
   */
  lookaheadSeconds: number;
}

export const REFERENCE_DEFAULTS: ReferenceParams = {
  streamHeadroom: 0.3,
  shardFloor: 0,
  flinkHeadroom: 0.3,
  streamTrigger: 0.5,
  flinkTrigger: 0,
  streamHoldSeconds: 1800,
  flinkHoldSeconds: 600,
  drainSeconds: 60,
  catchUpRestarts: 8,
  savingHorizonSeconds: 4 * 3600,
  quotaReserve: 1,
  minShrink: 0.25,
  sensingDelaySeconds: 0,
  lookaheadSeconds: 0,
};

/**
 * The trace's present and nothing else: the row of the second being simulated. Asking for
 * an earlier second is allowed (the past is known); a later one throws — the reference is
 * causal by construction, not by discipline.
 */
export function presentOf(trace: Trace): { at(second: number, now: number): TraceRow } {
  const rowAt = rowAtSecond(trace);
  return {
    at(second, now) {
      if (second > now) throw new Error(`reactive-ideal asked for second ${second} at ${now}: the future is not known`);
      return rowAt(second);
    },
  };
}

/**
 * The forecast ablation's foresight (NOT causal, by design): per second, the largest shard load (records/s over one
 * shard's write limit for that second's record size) and Flink load (records/s over the true rate per parallelism)
 * in [second, second + lookahead]. Computed once per trace, backwards with a monotonic deque.
 */
export function foresightOf(trace: Trace, lookahead: number, configuredUnitRate: number): { shardLoad: Float64Array; flinkLoad: Float64Array } {
  const n = Math.ceil(trace.durationSeconds);
  const rowAt = rowAtSecond(trace);
  const shard = new Float64Array(n);
  const flink = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    const row = rowAt(s);
    shard[s] = row.recordsPerSecond / Math.min(SHARD_WRITE_RECORDS, SHARD_WRITE_BYTES / row.bytesPerRecord);
    const unit = row.trueRatePerParallelism ?? configuredUnitRate;
    flink[s] = unit > 0 ? row.recordsPerSecond / unit : 0;
  }
  const aheadMax = (xs: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    const deque: number[] = [];
    for (let s = n - 1; s >= 0; s--) {
      while (deque.length > 0 && xs[deque[deque.length - 1]!]! <= xs[s]!) deque.pop();
      deque.push(s);
      while (deque[0]! > s + lookahead) deque.shift();
      out[s] = xs[deque[0]!]!;
    }
    return out;
  };
  return { shardLoad: aheadMax(shard), flinkLoad: aheadMax(flink) };
}

/** Keeps the maximum of a value over a sliding window of whole seconds (monotonic deque). */
class WindowMax {
  private readonly items: Array<[number, number]> = [];
  push(second: number, value: number): void {
    while (this.items.length > 0 && this.items[this.items.length - 1]![1] <= value) this.items.pop();
    this.items.push([second, value]);
  }
  /** The maximum over (now − window, now]. */
  max(now: number, window: number): number {
    while (this.items.length > 1 && this.items[0]![0] <= now - window) this.items.shift();
    return this.items[0]?.[1] ?? 0;
  }
}

export function referenceController(trace: Trace, options: SimOptions, params: ReferenceParams = REFERENCE_DEFAULTS): Controller {
  const present = presentOf(trace);
  const { limits } = options.config;
  const ppk = options.initial.parallelismPerKpu;
  const maxP = Math.max(limits.minParallelism, Math.min(limits.maxParallelism, (limits.maxKpus - 1) * ppk));
  const decisions: Decision[] = [];
  // What each side would want now, remembered so scale-in can require the want to have stayed low for the hold.
  const shardWants = new WindowMax();
  const flinkWants = new WindowMax();
  let shardTarget = options.initial.shards;
  // A restart longer than the SLO breaches it by itself: priced like the oracle prices it, so both face the same trade.
  const restartSloMinutes = options.restartSeconds > options.sloSeconds ? (options.restartSeconds - options.sloSeconds) / 60 + 1 : 0;
  const restartDollars = restartSloMinutes * ORACLE_SLO_MINUTE_DOLLARS;

  function quotaUsed(model: PlatformModel, second: number): number {
    return model.shardUpdateTimes.filter((t) => t > second - DAY_SECONDS).length;
  }

  function reshard(model: PlatformModel, tally: Tally, second: number, to: number, why: string): void {
    model.startReshard(second, to);
    shardTarget = to;
    tally.actions++;
    decisions.push({ kind: 'scale', target: { shards: to }, reasons: [why] });
  }

  function restart(model: PlatformModel, tally: Tally, second: number, to: number, why: string): void {
    model.startRestart(second, to);
    tally.actions++;
    decisions.push({ kind: 'scale', target: { parallelism: to }, reasons: [why] });
  }

  let restartEnds = -Infinity;
  const foresight = params.lookaheadSeconds > 0 ? foresightOf(trace, params.lookaheadSeconds, options.configuredUnitRate) : null;
  // Backlogs per second as they were, for the sensing-delay ablation (index = second).
  const producerBacklogs: number[] = [];
  const streamBacklogs: number[] = [];
  // Helpers outside the per-second path (closures made every simulated second dominated the run time).
  function clampShards(s: number): number {
    return Math.min(limits.maxShards, Math.max(limits.minShards, params.shardFloor, Math.ceil(s - 1e-9)));
  }
  function clampParallelism(p: number, useful: number): number {
    return Math.min(useful, Math.max(limits.minParallelism, Math.ceil(p - 1e-9)));
  }
  return {
    decisions,
    beforeSecond(second, model, _recorder, tally) {
      producerBacklogs.push(model.producerBacklog);
      streamBacklogs.push(model.streamBacklog);
      const seen = Math.max(0, second - params.sensingDelaySeconds);
      const row = present.at(seen, second);
      const producerBacklog = producerBacklogs[seen]!;
      const streamBacklog = streamBacklogs[seen]!;
      const demand = row.recordsPerSecond;
      const unit = row.trueRatePerParallelism ?? options.configuredUnitRate;
      const perShard = Math.min(SHARD_WRITE_RECORDS, SHARD_WRITE_BYTES / row.bytesPerRecord);
      // With the forecast ablation each side sizes for the largest load ahead, in present records/s (the present's record size and rate).
      const last = foresight ? Math.min(second, foresight.shardLoad.length - 1) : 0;
      const streamDemand = foresight ? Math.max(demand, foresight.shardLoad[last]! * perShard) : demand;
      const flinkDemand = foresight ? Math.max(demand, foresight.flinkLoad[last]! * unit) : demand;
      const drain = params.drainSeconds;
      const slo = options.sloSeconds;

      // Stream: shards for demand × (1 + h_s) and for draining the producers' retry backlog within the drain target,
      // at least the floor. Grows when all but `streamTrigger` of the headroom is used up (or producers hold a backlog),
      // to the full size.
      const backlogRate = producerBacklog > 0.5 ? producerBacklog / drain : 0;
      const sWant = clampShards(Math.max(streamDemand * (1 + params.streamHeadroom), streamDemand + backlogRate) / perShard);
      shardWants.push(second, sWant);
      if (!model.streamUpdating) {
        const s = model.shards;
        if (clampShards(Math.max(streamDemand * (1 + params.streamHeadroom * params.streamTrigger), streamDemand + backlogRate) / perShard) > s && quotaUsed(model, second) < SHARD_UPDATES_PER_DAY) {
          reshard(model, tally, second, Math.min(sWant, 2 * s), `demand ${demand.toFixed(0)}/s, producers' backlog ${producerBacklog.toFixed(0)}`);
        } else if (sWant < s && second >= params.streamHoldSeconds) {
          const held = shardWants.max(second, params.streamHoldSeconds);
          const to = Math.max(Math.ceil(s / 2), held);
          // A scale-in spends a call only if the calls left after it can still double back to maxShards (+ a reserve):
          // a controller that spends the quota chasing a wandering demand is stuck when demand rises.
          const left = SHARD_UPDATES_PER_DAY - quotaUsed(model, second) - 1;
          const doublingsBack = Math.ceil(Math.log2(limits.maxShards / to) - 1e-9);
          if (to <= s * (1 - params.minShrink) && left >= doublingsBack + params.quotaReserve) reshard(model, tally, second, to, `wanted at most ${held} shards for ${params.streamHoldSeconds} s`);
        }
      }

      // Flink: parallelism for what the stream will pass (with the shards a reshard under way will have) × (1 + h_f);
      // a scale-out also sized to bring the lag its restart adds back under the SLO.
      const streamShards = Math.max(model.shards, shardTarget);
      const passes = streamShards * perShard;
      const presentFlow = Math.max(1, producerBacklog > 0.5 ? passes : Math.min(demand, passes));
      // What Flink sizes for: the present flow, or with the forecast ablation the largest flow ahead (flinkDemand ≥ demand).
      const flow = Math.max(presentFlow, Math.min(flinkDemand, passes));
      // Age of the stream's backlog at the present flow (the part of the lag Flink can remove).
      const age = streamBacklog / presentFlow;
      // The source reads a shard with one subtask: parallelism beyond the shards idles.
      const usefulP = Math.max(limits.minParallelism, Math.min(maxP, streamShards));
      const level = unit > 0 ? clampParallelism((flow * (1 + params.flinkHeadroom)) / unit, usefulP) : model.parallelism;
      flinkWants.push(second, level);
      if (!model.restarting && unit > 0) {
        const p = model.parallelism;
        const capacity = Math.min(p, model.shards) * unit;
        // A backlog older than half the SLO that the present capacity will not bring under it within the drain target;
        // not while the backlog of the last restart is still draining as planned.
        const settling = second < restartEnds + drain;
        const behind = !settling && age > slo / 2 && capacity < flow * (1 + age / drain);
        if (capacity < flow * (1 + params.flinkHeadroom * params.flinkTrigger) || behind) {
          // The restart adds its downtime to the lag: catch up to the SLO within the drain target; a restart slower than
          // the SLO breaches it anyway, and catching up within 60 s would triple the job: then within a few downtimes
          // (a 40-trace sample at 3 min: 1 downtime 9/40 on all four, 4: 24/40, 8 and 16: 25/40).
          const extra = Math.max(params.flinkHeadroom, (age + options.restartSeconds - slo) / (options.restartSeconds > slo ? params.catchUpRestarts * options.restartSeconds : drain));
          const to = clampParallelism((flow * (1 + extra)) / unit, usefulP);
          if (to > p) {
            restart(model, tally, second, to, `flow ${flow.toFixed(0)}/s, backlog ${age.toFixed(0)} s old`);
            restartEnds = second + options.restartSeconds;
          }
        } else if (level < p && age < slo / 4 && !settling && second >= params.flinkHoldSeconds) {
          const to = flinkWants.max(second, params.flinkHoldSeconds);
          const saving = ((kpusFor(p, ppk) - kpusFor(to, ppk)) * options.prices.kpuHour * params.savingHorizonSeconds) / 3600;
          if (to < p && saving > restartDollars) {
            restart(model, tally, second, to, `wanted at most ${to} for ${params.flinkHoldSeconds} s, saves $${saving.toFixed(2)} over the horizon`);
            restartEnds = second + options.restartSeconds;
          }
        }
      }
    },
  };
}
