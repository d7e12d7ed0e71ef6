/**
 * The platform model, advanced one virtual second at a time: a Kinesis stream with
 * per-shard write limits (producers retry throttled records, which queue at the
 * producer), resharding that takes time, and a Flink job whose true rate per
 * parallelism may differ from the configured one, that stops for a restart on every
 * parallelism change, and reads its backlog at most 2 MB/s per shard.
 *
 * Lag is exact for FIFO queues: the age of the oldest record not yet processed, from
 * cumulative curves of records generated, accepted and processed.
 */
export const SHARD_WRITE_RECORDS = 1000;
export const SHARD_WRITE_BYTES = 1_000_000;
export const SHARD_READ_BYTES = 2_000_000;

export interface ModelOptions {
  /** How long the stream stays UPDATING after UpdateShardCount (old capacity meanwhile). */
  reshardSeconds: number;
  /** How long a parallelism change stops processing (application UPDATING). */
  restartSeconds: number;
}

export interface Capacity {
  shards: number;
  parallelism: number;
  parallelismPerKpu: number;
}

export interface SecondInput {
  recordsPerSecond: number;
  bytesPerRecord: number;
  trueRatePerParallelism: number;
}

export interface SecondStats {
  offered: number;
  accepted: number;
  /** Put attempts refused this second (what WriteProvisionedThroughputExceeded counts). */
  throttled: number;
  /** New records refused on their first attempt: records the producer had to hold back. */
  firstTimeThrottled: number;
  processed: number;
  /** Share of the job's processing capacity used, 0…1 (null while restarting). */
  busy: number | null;
  /** End-to-end lag (generation → processed), seconds. */
  lagSeconds: number;
  /** Stream lag (accepted → processed), seconds: what millisBehindLatest reports. */
  behindSeconds: number;
  running: boolean;
  downtimeMs: number;
  kpus: number;
  billedShards: number;
  shards: number;
  parallelism: number;
}

/** A cumulative curve with a moving pointer: the time at which the curve reached a value. */
class Cumulative {
  private readonly values: number[] = [0];
  private pointer = 0;
  push(amount: number): void {
    this.values.push(this.values[this.values.length - 1]! + amount);
  }
  get total(): number {
    return this.values[this.values.length - 1]!;
  }
  /** Seconds from the moment the curve reached `level` to the end of the curve. */
  ageAt(level: number): number {
    const v = this.values;
    if (this.total - level < 0.5) return 0;
    while (this.pointer + 1 < v.length && v[this.pointer + 1]! <= level) this.pointer++;
    const lo = v[this.pointer]!;
    const hi = v[this.pointer + 1] ?? lo;
    const frac = hi > lo ? (level - lo) / (hi - lo) : 0;
    return v.length - 1 - (this.pointer + frac);
  }
}

export class PlatformModel {
  shards: number;
  parallelism: number;
  readonly parallelismPerKpu: number;
  private reshard: { until: number; from: number; to: number } | null = null;
  private restart: { until: number; from: number; startedAt: number } | null = null;
  producerBacklog = 0;
  streamBacklog = 0;
  fullRestarts = 0;
  readonly shardUpdateTimes: number[] = [];
  private readonly generated = new Cumulative();
  private readonly accepted = new Cumulative();
  private processedTotal = 0;

  constructor(initial: Capacity, private readonly options: ModelOptions) {
    this.shards = initial.shards;
    this.parallelism = initial.parallelism;
    this.parallelismPerKpu = initial.parallelismPerKpu;
  }

  get streamUpdating(): boolean {
    return this.reshard !== null;
  }
  get restarting(): boolean {
    return this.restart !== null;
  }

  /** UpdateShardCount: the stream is UPDATING, the old shards carry traffic until it settles. */
  startReshard(second: number, to: number): number {
    this.reshard = { until: second + this.options.reshardSeconds, from: this.shards, to };
    this.shardUpdateTimes.push(second);
    return this.reshard.until;
  }

  /** UpdateApplication with a new parallelism: the job stops until the restart completes. */
  startRestart(second: number, to: number): number {
    this.restart = { until: second + this.options.restartSeconds, from: this.parallelism, startedAt: second };
    this.parallelism = to;
    this.fullRestarts++;
    return this.restart.until;
  }

  /** Advances second `second` → `second + 1`. */
  step(second: number, input: SecondInput): SecondStats {
    if (this.reshard && second >= this.reshard.until) {
      this.shards = this.reshard.to;
      this.reshard = null;
    }
    if (this.restart && second >= this.restart.until) this.restart = null;

    const { recordsPerSecond: demand, bytesPerRecord: bytes } = input;
    this.generated.push(demand);
    // Producers retry their oldest throttled records first, and retry no faster than they
    // produce (backoff), so a long throttle does not multiply the attempts without bound.
    const retries = Math.min(this.producerBacklog, Math.max(demand, 1));
    const offered = demand + retries;
    const writeLimit = Math.min(this.shards * SHARD_WRITE_RECORDS, (this.shards * SHARD_WRITE_BYTES) / bytes);
    const accepted = Math.min(offered, writeLimit);
    const firstTimeThrottled = Math.max(0, demand - Math.max(0, writeLimit - retries));
    this.producerBacklog += demand - accepted;
    this.accepted.push(accepted);
    this.streamBacklog += accepted;

    const running = this.restart === null;
    const capacity = this.parallelism * input.trueRatePerParallelism;
    const readLimit = (this.shards * SHARD_READ_BYTES) / bytes;
    const processed = running ? Math.min(this.streamBacklog, capacity, readLimit) : 0;
    this.streamBacklog -= processed;
    this.processedTotal += processed;

    const billedShards = this.reshard ? Math.max(this.reshard.from, this.reshard.to) : this.shards;
    const billedParallelism = this.restart ? Math.max(this.restart.from, this.parallelism) : this.parallelism;
    return {
      offered,
      accepted,
      throttled: offered - accepted,
      firstTimeThrottled,
      processed,
      busy: running ? (capacity > 0 ? processed / capacity : 0) : null,
      lagSeconds: this.generated.ageAt(this.processedTotal),
      behindSeconds: this.accepted.ageAt(this.processedTotal),
      running,
      downtimeMs: this.restart ? (second + 1 - this.restart.startedAt) * 1000 : 0,
      kpus: Math.ceil(billedParallelism / this.parallelismPerKpu) + 1,
      billedShards,
      shards: this.shards,
      parallelism: this.parallelism,
    };
  }
}
