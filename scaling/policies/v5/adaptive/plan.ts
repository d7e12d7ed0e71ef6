/**
 * FROZEN with ../adaptive.ts (the v5 rules, patch scaling-adaptive-v5): do not change.
 *
 * One tick's plan: demand and backlog read once, the stream sized, then Flink (which
 * counts the wait for a reshard decided in the same tick), then parallelism kept ≤
 * shards × subtasks-per-shard.
 */
import type { Observation, PolicyConfig } from '../../../types.js';
import { fmt } from '../../common.js';
import { backlogView, demandView } from './demand.js';
import { aggregationOf, kinesisUnitRateOf, unitRateOf } from './estimate.js';
import { planFlink } from './flink.js';
import type { Params } from './params.js';
import type { AdaptiveState, Plan } from './state.js';
import { planStream } from './stream.js';

/** The capacity this policy wants now, before AWS constraints and holds. */
export function plan(state: AdaptiveState, obs: Observation, config: PolicyConfig, params: Params): Plan {
  const { shards, parallelism: p } = obs.capacity;
  const pts = state.points;
  const latest = pts[pts.length - 1];
  if (!latest) return { shards, parallelism: p, reasons: ['no metrics yet'] };
  // Demand, backlog and shards count Kinesis records; Flink's rate counts user records (KPL aggregation packs many
  // into one Kinesis record), so Flink is sized on the Kinesis records one parallelism unit drains.
  const aggregation = aggregationOf(state);
  const unit = kinesisUnitRateOf(state, params);
  const view = demandView(pts, latest, params);
  const lag = backlogView(state, view, params);
  const reasons = [
    `demand ${fmt(view.d0)} rec/s (trend ${view.slope >= 0 ? '+' : ''}${fmt(view.slope * 60)} rec/s per min), lag ${fmt(lag.lagMs)} ms${lag.growing ? ' and growing' : ''}, `
      + `backlog ${fmt(lag.backlog)} records, true rate ${fmt(unitRateOf(state, params))} rec/s per parallelism${state.unitRate === null ? ' (configured)' : ' (learned)'}`,
  ];
  if (aggregation > 1) {
    reasons.push(`KPL aggregation: ${fmt(aggregation)} user records per Kinesis record read, so Flink is sized on ${fmt(unit)} Kinesis records/s per parallelism; shards on Kinesis records and bytes`);
  }
  if (lag.lagMissing) reasons.push('no millisBehindLatest / iterator age in the latest period: missing data is not zero backlog, so no scale-in');

  const stream = planStream(view, lag, { shards, p, unit }, params, reasons);
  const wantP = planFlink(state, obs, config, params, view, lag, stream, reasons);
  let wantShards = stream.wantShards;
  // Parallelism ≤ shards × subtasks-per-shard: a Flink scale-out that needs more subtasks brings the shards with it
  // (constrain() then caps parallelism at the shard count the decision really reaches).
  if (params.subtasksPerShard > 0 && wantP > p && wantP > wantShards * params.subtasksPerShard) {
    const needed = Math.ceil(wantP / params.subtasksPerShard);
    reasons.push(`stream: parallelism ${wantP} needs ≥ ${needed} shards at ${params.subtasksPerShard} subtask(s) per shard`);
    wantShards = Math.max(wantShards, needed);
  }
  return { shards: wantShards, parallelism: wantP, reasons };
}
