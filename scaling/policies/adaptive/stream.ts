/**
 * Stream sizing: out when the demand projected over the reshard time nears the limit (or
 * producers are throttled), in on the stable window's peak — records or bytes, whichever
 * binds the shards.
 */
import { SHARD_BYTES_PER_SECOND, SHARD_RECORDS_PER_SECOND, fmt } from '../common.js';
import type { BacklogView, DemandView } from './demand.js';
import { windowPeak } from './demand.js';
import type { Params } from './params.js';

export function shardsFor(demand: number, bpr: number, utilization: number): number {
  return Math.max(1, Math.ceil(Math.max(demand / SHARD_RECORDS_PER_SECOND, (demand * bpr) / SHARD_BYTES_PER_SECOND) / utilization - 1e-9));
}

/** Share of `n` shards' write limit that `d` records/s use (records or bytes, whichever is higher). */
export function shardUtil(d: number, n: number, bpr: number): number {
  return Math.max(d / (n * SHARD_RECORDS_PER_SECOND), (d * bpr) / (n * SHARD_BYTES_PER_SECOND));
}

export function planStream(
  view: DemandView, lag: BacklogView, now: { shards: number; p: number; unit: number }, params: Params, reasons: string[],
): { wantShards: number; throttled: boolean; trough: boolean } {
  const { latest, bpr, d0, risingNow, recurring, streamAhead } = view;
  const { shards, p, unit } = now;
  let wantShards = shards;
  let inTrough = false;
  const throttled = latest.demand > latest.incoming + 1;
  if (throttled || shardUtil(streamAhead(params.shardLeadSeconds), shards, bpr) > params.shardHighUtilization) {
    const sized = streamAhead(params.shardLeadSeconds + params.sizingHorizonSeconds);
    wantShards = Math.max(shards + 1, Math.ceil(shards * (1 + params.shardMinGrowth) - 1e-9), shardsFor(sized, bpr, params.shardTargetUtilization));
    reasons.push(`stream: ${throttled ? `${fmt(latest.demand - latest.incoming)} rec/s throttled` : `projected ${fmt(shardUtil(streamAhead(params.shardLeadSeconds), shards, bpr) * 100)} % of ${shards} shards`} → ${wantShards} shards for ${fmt(sized)} rec/s`
      + `${recurring === null ? '' : ` (a rise towards the ${fmt(recurring)} rec/s peak seen in the last ${fmt(params.recurrenceWindowSeconds)} s)`}`);
  } else if (lag.evidence && lag.lagMs <= params.backlogThresholdMs) {
    const low = windowPeak(view.pts, latest, params.shardLowWindowSeconds);
    // Headroom for a surge beyond the window's peak; from the trough of a pattern whose peak recurs, that peak is what
    // a scale-out would size for, at the target utilisation (near the peak, or above it, the headroom stays).
    const lately = windowPeak(view.pts, latest, params.troughSeconds).peak;
    const trough = recurring !== null && low.peak >= recurring && Math.max(d0, lately) <= (1 - params.recurrenceDrop) * recurring;
    const inUtil = trough ? params.shardTargetUtilization : params.shardScaleInUtilization;
    const fit = shardsFor(Math.max(low.peak, streamAhead(params.shardLeadSeconds + params.sizingHorizonSeconds)), bpr, inUtil);
    // Each call is a scarce share of the daily quota: only a real reduction is worth one.
    // A reshard occupies the control loop (Flink waits while the stream is UPDATING): not while Flink may need to grow meanwhile.
    const flinkMayGrow = d0 + risingNow * params.shardLeadSeconds > p * unit * params.flinkHighUtilization;
    if (low.covered && fit <= Math.floor(shards * (1 - params.shardMinShrink) + 1e-9) && flinkMayGrow) {
      reasons.push(`stream: ${fit} shards would do, but Flink may need to grow during the reshard; not now`);
    } else if (low.covered && fit <= Math.floor(shards * (1 - params.shardMinShrink) + 1e-9)) {
      wantShards = fit;
      inTrough = trough;
      reasons.push(`stream: peak ${fmt(low.peak)} rec/s over ${fmt(params.shardLowWindowSeconds)} s fits ${fit} shards at ${fmt(inUtil * 100)} %${inUtil === params.shardScaleInUtilization ? '' : ' (a recurring peak)'}`);
    }
  }
  return { wantShards, throttled, trough: inTrough };
}
