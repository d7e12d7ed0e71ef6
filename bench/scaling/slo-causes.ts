/**
 * Where a policy's SLO minutes come from: each minute whose lag passed the SLO is given the
 * cause that held during it, read from the simulated platform second by second (not from
 * the policy's own reasons). A minute that only drains a backlog left earlier (no restart,
 * no throttling, capacity above demand) inherits the cause of the minute before it, so an
 * episode is counted whole under what started it. Used to decide which class of misses a
 * causal policy can still win (docs/benchmark.md "Where the SLO minutes come from").
 */
import { DAY_SECONDS, SHARD_UPDATES_PER_DAY } from '../../scaling/types.js';
import { policies } from '../../scaling/index.js';
import { oracleController, planOracle } from './sim/oracle.js';
import { SHARD_WRITE_BYTES, SHARD_WRITE_RECORDS } from './sim/model.js';
import { policyController, simulate, type Controller, type SecondObserver, type SimOptions } from './sim/simulate.js';
import type { Trace } from './sim/trace.js';

export const CAUSES = {
  stalled: 'job stalled (the trace stops the job: no policy helps)',
  restartThrottled: 'Flink scale-out restart while producers are throttled',
  restartUp: 'Flink scale-out restart',
  restartDown: 'Flink scale-in restart',
  quota: 'producers throttled: UpdateShardCount quota used up',
  resharding: 'producers throttled: reshard under way',
  atMax: 'producers\' backlog draining at maxShards',
  draining: 'producers\' backlog draining (stream fits demand)',
  noReshard: 'producers throttled: stream short, no reshard yet',
  shortAfterIn: 'Flink short of demand after a scale-in',
  shortUp: 'Flink short of demand (scale-out late or small)',
  before: 'backlog from before the minute (no cause seen yet)',
} as const;
export type Cause = keyof typeof CAUSES;

/** What held at any second of one minute (flags OR-ed over its 60 seconds). */
export interface MinuteFacts {
  lagSeconds: number;
  stalled: boolean;
  restarting: boolean;
  /** The last parallelism change before or during the minute lowered it. */
  lastFlinkChangeDown: boolean;
  throttled: boolean;
  quotaUsed: boolean;
  resharding: boolean;
  atMaxShards: boolean;
  streamFitsDemand: boolean;
  flinkShort: boolean;
}

/** The cause of one minute above the SLO; `previous` is the cause of the minute before (for drain minutes). */
export function causeOf(m: MinuteFacts, previous: Cause | null): Cause {
  if (m.stalled) return 'stalled';
  if (m.restarting) return m.lastFlinkChangeDown ? 'restartDown' : m.throttled ? 'restartThrottled' : 'restartUp';
  if (m.throttled) {
    if (m.quotaUsed) return 'quota';
    if (m.resharding) return 'resharding';
    if (m.atMaxShards) return 'atMax';
    return m.streamFitsDemand ? 'draining' : 'noReshard';
  }
  if (m.flinkShort) return m.lastFlinkChangeDown ? 'shortAfterIn' : 'shortUp';
  return previous ?? 'before';
}

/** Below this true rate per parallelism a generated trace has stopped the job (its outage). */
const STALLED_UNIT_RATE = 50;

/** Per-minute facts of one run, from the model as it steps. */
function recorder(options: SimOptions): { observe: SecondObserver; minutes: MinuteFacts[] } {
  const minutes: MinuteFacts[] = [];
  let cur: MinuteFacts | null = null;
  let parallelism = options.initial.parallelism;
  let lastDown = false;
  const observe: SecondObserver = (second, model, stats, input) => {
    if (model.parallelism !== parallelism) {
      lastDown = model.parallelism < parallelism;
      parallelism = model.parallelism;
    }
    if (cur === null) {
      cur = {
        lagSeconds: 0, stalled: false, restarting: false, lastFlinkChangeDown: lastDown, throttled: false, quotaUsed: false,
        resharding: false, atMaxShards: false, streamFitsDemand: false, flinkShort: false,
      };
    }
    const writeLimit = Math.min(model.shards * SHARD_WRITE_RECORDS, (model.shards * SHARD_WRITE_BYTES) / input.bytesPerRecord);
    cur.lagSeconds = Math.max(cur.lagSeconds, stats.lagSeconds);
    cur.stalled ||= input.trueRatePerParallelism < STALLED_UNIT_RATE;
    cur.restarting ||= !stats.running;
    cur.lastFlinkChangeDown = lastDown;
    cur.throttled ||= stats.firstTimeThrottled > 0 || model.producerBacklog > 1;
    cur.quotaUsed ||= model.shardUpdateTimes.filter((t) => t > second - DAY_SECONDS).length >= SHARD_UPDATES_PER_DAY;
    cur.resharding ||= model.streamUpdating;
    cur.atMaxShards ||= model.shards >= options.config.limits.maxShards;
    cur.streamFitsDemand ||= writeLimit > input.recordsPerSecond;
    cur.flinkShort ||= stats.running && model.parallelism * input.trueRatePerParallelism < input.recordsPerSecond;
    if ((second + 1) % 60 === 0) {
      minutes.push(cur);
      cur = null;
    }
  };
  return { observe, minutes };
}

export interface TraceCauses {
  sloMinutes: number;
  oracleSloMinutes: number;
  /** Adaptive's SLO minutes per cause, and how many of them the oracle also spent above the SLO. */
  byCause: Partial<Record<Cause, { minutes: number; oracleToo: number }>>;
}

/**
 * Adaptive's SLO minutes on `trace` by cause, against the oracle's minute by minute; or another controller's
 * (the causal reference, bench/scaling/reference-controller.ts) when one is given.
 */
export function sloCauses(trace: Trace, options: SimOptions, controller: Controller = policyController(policies.adaptive, options)): TraceCauses {
  const a = recorder(options);
  const run = simulate(trace, controller, options, a.observe);
  const o = recorder(options);
  const oracle = simulate(trace, oracleController(planOracle(trace, options), options), options, o.observe);
  const byCause: TraceCauses['byCause'] = {};
  let previous: Cause | null = null;
  a.minutes.forEach((m, i) => {
    if (m.lagSeconds <= options.sloSeconds) {
      previous = null;
      return;
    }
    const cause = causeOf(m, previous);
    previous = cause;
    const entry = (byCause[cause] ??= { minutes: 0, oracleToo: 0 });
    entry.minutes++;
    if ((o.minutes[i]?.lagSeconds ?? 0) > options.sloSeconds) entry.oracleToo++;
  });
  return { sloMinutes: run.sloMinutes, oracleSloMinutes: oracle.sloMinutes, byCause };
}
