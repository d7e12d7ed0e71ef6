/**
 * What one run costs and how it felt: billed shard- and KPU-hours, minutes whose lag
 * exceeded the SLO, peak lag, throttled records, actions, restarts; plus a per-minute
 * series for the charts.
 */
import type { SecondStats } from './model.js';

export interface MinutePoint {
  minute: number;
  demand: number;
  shards: number;
  parallelism: number;
  /** Records/s the pipeline could carry end to end that minute (the smaller of stream and Flink). */
  capacity: number;
  lagSeconds: number;
}

/**
 * List prices, us-east-1: provisioned $0.015 per shard-hour; Managed Flink $0.11 per
 * KPU-hour; Kinesis on-demand (Standard) $0.04 per stream-hour, $0.08 per GB written
 * (each record rounded up to 1 KB) and $0.04 per GB read
 * (aws.amazon.com/kinesis/data-streams/pricing/).
 */
export interface Prices {
  shardHour: number;
  kpuHour: number;
  onDemandStreamHour: number;
  onDemandGbWritten: number;
  onDemandGbRead: number;
}

export interface RunResult {
  kpuHours: number;
  shardHours: number;
  cost: number;
  sloMinutes: number;
  peakLagSeconds: number;
  throttledRecords: number;
  actions: number;
  restarts: number;
  shardUpdates: number;
  decisions: number;
  rejected: number;
  series: MinutePoint[];
}

export class Tally {
  actions = 0;
  rejected = 0;
  private kpuSeconds = 0;
  private shardSeconds = 0;
  private ingestBytes = 0;
  private readBytes = 0;
  private seconds = 0;
  private throttled = 0;
  private peakLag = 0;
  private sloMinutes = 0;
  private minuteMaxLag = 0;
  private minuteDemand = 0;
  private readonly series: MinutePoint[] = [];

  constructor(private readonly options: { sloSeconds: number; prices: Prices; streamMode?: 'provisioned' | 'on-demand' }) {}

  add(second: number, stats: SecondStats, demand: number, unitRate: number): void {
    this.kpuSeconds += stats.kpus;
    this.shardSeconds += stats.billedShards;
    this.ingestBytes += stats.billedIngestBytes;
    this.readBytes += stats.readBytes;
    this.seconds++;
    this.throttled += stats.firstTimeThrottled;
    this.peakLag = Math.max(this.peakLag, stats.lagSeconds);
    this.minuteMaxLag = Math.max(this.minuteMaxLag, stats.lagSeconds);
    this.minuteDemand += demand;
    if ((second + 1) % 60 === 0) {
      if (this.minuteMaxLag > this.options.sloSeconds) this.sloMinutes++;
      this.series.push({
        minute: (second + 1) / 60 - 1,
        demand: this.minuteDemand / 60,
        shards: stats.shards,
        parallelism: stats.parallelism,
        capacity: Math.min(stats.shards * 1000, stats.parallelism * unitRate),
        lagSeconds: this.minuteMaxLag,
      });
      this.minuteMaxLag = 0;
      this.minuteDemand = 0;
    }
  }

  result(restarts: number, shardUpdates: number, decisions: number): RunResult {
    const kpuHours = this.kpuSeconds / 3600;
    const shardHours = this.shardSeconds / 3600;
    const prices = this.options.prices;
    const GB = 1024 ** 3;
    const streamCost = this.options.streamMode === 'on-demand'
      ? (this.seconds / 3600) * prices.onDemandStreamHour + (this.ingestBytes / GB) * prices.onDemandGbWritten + (this.readBytes / GB) * prices.onDemandGbRead
      : 0;
    return {
      kpuHours,
      shardHours,
      cost: kpuHours * prices.kpuHour + shardHours * prices.shardHour + streamCost,
      sloMinutes: this.sloMinutes,
      peakLagSeconds: this.peakLag,
      throttledRecords: this.throttled,
      actions: this.actions,
      restarts,
      shardUpdates,
      decisions,
      rejected: this.rejected,
      series: this.series,
    };
  }
}
