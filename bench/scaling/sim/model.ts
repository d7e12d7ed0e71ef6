/**
 * The platform model, advanced one virtual second at a time: a Kinesis stream with
 * per-shard write limits (producers retry throttled records, which queue at the
 * producer), resharding that takes time, and a Flink job whose true rate per
 * parallelism may differ from the configured one, that stops for a restart on every
 * parallelism change, and reads its backlog at most 2 MB/s per shard.
 *
 * The job's source reads each open shard with one subtask (the Flink Kinesis connector's
 * assignment), so at most min(parallelism, shards) subtasks are busy, as in the emulator
 * (`emulator/job/taxiJob.ts`). After a reshard the closed parent shards are read first: a
 * child shard is read only once its parents are drained (`emulator/job/source.ts`, as the
 * connector keeps a partition key in order), so the backlog left in the parents drains
 * with at most min(parallelism, parent shards) subtasks and the parents' 2 MB/s each,
 * whatever the new capacity. On-demand streams are not capped (their shards are AWS's).
 *
 * Lag is exact for FIFO queues: the age of the oldest record not yet processed, from
 * cumulative curves of records generated, accepted and processed.
 */
export const SHARD_WRITE_RECORDS = 1000;
export const SHARD_WRITE_BYTES = 1_000_000;
export const SHARD_READ_BYTES = 2_000_000;

/**
 * Kinesis on-demand (Standard) capacity mode, from AWS's documentation
 * (docs.aws.amazon.com/streams/latest/dev/how-do-i-size-a-stream.html): a new stream
 * writes 4 MB/s and 4,000 records/s; the stream accommodates up to double its previous
 * peak write throughput, and traffic above double the previous peak within 15 minutes
 * is throttled; reads get twice the write capacity; at most 200 MB/s and 200,000
 * records/s by default. Modelled as: write limit = max(default, 2 × the highest accepted
 * rate seen up to 15 minutes ago), capped at the maximum.
 */
export const ON_DEMAND = {
  defaultRecordsPerSecond: 4000,
  defaultBytesPerSecond: 4_000_000,
  maxRecordsPerSecond: 200_000,
  maxBytesPerSecond: 200_000_000,
  peakDelaySeconds: 900,
};

export interface ModelOptions {
  /** 'on-demand': the stream's capacity follows the demand (ON_DEMAND); shard counts are ignored. */
  streamMode?: 'provisioned' | 'on-demand';
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
  /** On-demand billing: bytes written counted per record rounded up to 1 KB, and bytes read. */
  billedIngestBytes: number;
  readBytes: number;
  /** Provisioned: open shards; on-demand: the write limit in shard equivalents (1,000 records/s each). */
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
  /**
   * Backlog still in closed parent shards, oldest lineage first: `records` of the stream
   * backlog that only `shards` parents (and as many subtasks) can serve. FIFO holds: every
   * parent record is older than any record in its children.
   */
  private readonly lineage: Array<{ records: number; shards: number }> = [];
  private restart: { until: number; from: number; startedAt: number } | null = null;
  producerBacklog = 0;
  streamBacklog = 0;
  fullRestarts = 0;
  readonly shardUpdateTimes: number[] = [];
  private readonly generated = new Cumulative();
  private readonly accepted = new Cumulative();
  private processedTotal = 0;
  /** On-demand: accepted records and bytes per second, and their running peaks up to `peakDelaySeconds` ago. */
  private readonly acceptedHistory: Array<[number, number]> = [];
  private onDemandPeak: [number, number] = [0, 0];

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

  /** On-demand write limit (records/s) at `second`: twice the peak accepted up to 15 minutes ago, at least the default. */
  private onDemandWriteLimit(second: number, bytes: number): number {
    const seen = second - ON_DEMAND.peakDelaySeconds;
    if (seen >= 0 && seen < this.acceptedHistory.length) {
      const [records, byteRate] = this.acceptedHistory[seen]!;
      this.onDemandPeak = [Math.max(this.onDemandPeak[0], records), Math.max(this.onDemandPeak[1], byteRate)];
    }
    const records = Math.min(ON_DEMAND.maxRecordsPerSecond, Math.max(ON_DEMAND.defaultRecordsPerSecond, 2 * this.onDemandPeak[0]));
    const byteRate = Math.min(ON_DEMAND.maxBytesPerSecond, Math.max(ON_DEMAND.defaultBytesPerSecond, 2 * this.onDemandPeak[1]));
    return Math.min(records, byteRate / bytes);
  }

  /**
   * Records processed in one running second: the parent lineages first (each by at most
   * min(parallelism, its shards) subtasks at 2 MB/s per shard), then the open shards with
   * what is left of the second.
   */
  private process(input: SecondInput, writeLimit: number): number {
    const { trueRatePerParallelism: unit, bytesPerRecord: bytes } = input;
    let time = 1;
    let processed = 0;
    while (time > 1e-9 && this.lineage.length > 0) {
      const parents = this.lineage[0]!;
      const rate = this.sourceRate(parents.shards, unit, bytes);
      if (rate <= 0) return processed;
      const taken = Math.min(parents.records, rate * time);
      processed += taken;
      time -= taken / rate;
      parents.records -= taken;
      if (parents.records <= 1e-6) this.lineage.shift();
    }
    if (time <= 1e-9) return processed;
    // On-demand reads get twice the write capacity (8 MB/s by default), like 2 MB/s per shard.
    const rate = this.options.streamMode === 'on-demand' ? Math.min(this.parallelism * unit, 2 * writeLimit) : this.sourceRate(this.shards, unit, bytes);
    return processed + Math.min(this.streamBacklog - processed, rate * time);
  }

  /** Records/s the job reads from `shards` shards: one busy subtask per shard, at most 2 MB/s per shard. */
  private sourceRate(shards: number, unit: number, bytes: number): number {
    return Math.min(Math.min(this.parallelism, shards) * unit, (shards * SHARD_READ_BYTES) / bytes);
  }

  /** Advances second `second` → `second + 1`. */
  step(second: number, input: SecondInput): SecondStats {
    if (this.reshard && second >= this.reshard.until) {
      const inParents = this.streamBacklog - this.lineage.reduce((sum, l) => sum + l.records, 0);
      if (inParents > 0.5 && this.options.streamMode !== 'on-demand') this.lineage.push({ records: inParents, shards: this.reshard.from });
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
    const onDemand = this.options.streamMode === 'on-demand';
    const writeLimit = onDemand ? this.onDemandWriteLimit(second, bytes) : Math.min(this.shards * SHARD_WRITE_RECORDS, (this.shards * SHARD_WRITE_BYTES) / bytes);
    const accepted = Math.min(offered, writeLimit);
    const firstTimeThrottled = Math.max(0, demand - Math.max(0, writeLimit - retries));
    this.producerBacklog += demand - accepted;
    this.accepted.push(accepted);
    this.streamBacklog += accepted;

    const running = this.restart === null;
    const capacity = this.parallelism * input.trueRatePerParallelism;
    const processed = running ? this.process(input, writeLimit) : 0;
    this.streamBacklog -= processed;
    this.processedTotal += processed;

    if (onDemand) this.acceptedHistory.push([accepted, accepted * bytes]);
    const billedShards = onDemand ? 0 : this.reshard ? Math.max(this.reshard.from, this.reshard.to) : this.shards;
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
      billedIngestBytes: accepted * Math.ceil(bytes / 1024) * 1024,
      readBytes: processed * bytes,
      shards: onDemand ? Math.ceil(writeLimit / SHARD_WRITE_RECORDS) : this.shards,
      parallelism: this.parallelism,
    };
  }
}
