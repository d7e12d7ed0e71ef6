/**
 * The streams of one emulator: lookup by name or ARN, lifecycle transitions after
 * configured delays, shard creation, resharding, and trimming by retention and the
 * memory cap. Operations call into it; it never sees wire shapes.
 */
import type { KinesisOptions } from '../config.js';
import type { Clock, MetricSink } from '../core/types.js';
import { streamAlreadyExists, streamNotFound } from './errors.js';
import { toHex, uniformRanges } from './hashKeys.js';
import type { Shard, Stream, StreamMode } from './model.js';
import { reshardUniformly, type OpenShard } from './resharding.js';
import { ShardLog } from './shardLog.js';
import { SlidingWindow } from './slidingWindow.js';

const MAINTENANCE_MS = 1000;

export interface StoreDeps {
  options: KinesisOptions;
  accountId: string;
  clock: Clock;
  metrics: MetricSink;
}

export class StreamStore {
  readonly options: KinesisOptions;
  readonly accountId: string;
  readonly clock: Clock;
  readonly metrics: MetricSink;
  private readonly streams = new Map<string, Stream>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Streams whose next UpdateShardCount sticks in UPDATING, and the reshards so held. */
  private readonly stuckOnNextUpdate = new Set<string>();
  private readonly stuckUpdates = new Map<string, () => void>();
  private nextIncarnation = 1;
  private readonly maintenance: NodeJS.Timeout;
  /** Bytes held by all shards of all streams (memory cap). */
  storedBytes = 0;

  constructor(deps: StoreDeps) {
    this.options = deps.options;
    this.accountId = deps.accountId;
    this.clock = deps.clock;
    this.metrics = deps.metrics;
    this.maintenance = setInterval(() => this.trimAll(), MAINTENANCE_MS);
    this.maintenance.unref();
  }

  list(): Stream[] {
    return [...this.streams.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  find(name: string): Stream | undefined {
    return this.streams.get(name);
  }

  get(name: string): Stream {
    const stream = this.streams.get(name);
    if (stream === undefined) throw streamNotFound(name, this.accountId);
    return stream;
  }

  create(name: string, region: string, shardCount: number, mode: StreamMode, tags: Record<string, string>): Stream {
    if (this.streams.has(name)) throw streamAlreadyExists(name, this.accountId);
    const stream: Stream = {
      name,
      arn: `arn:aws:kinesis:${region}:${this.accountId}:stream/${name}`,
      createdMs: this.clock.nowMs(),
      incarnation: this.nextIncarnation++,
      status: 'CREATING',
      mode,
      retentionHours: this.options.retentionHours,
      shards: [],
      routing: [],
      nextShardIndex: 0,
      counter: 0,
      tags: new Map(Object.entries(tags)),
      shardCountUpdates: [],
      shardLevelMetrics: new Set(),
    };
    for (const [start, end] of uniformRanges(shardCount)) {
      this.openShard(stream, { startHex: toHex(start), endHex: toHex(end) }, null, null);
    }
    stream.routing = [...stream.shards];
    this.streams.set(name, stream);
    this.after(this.options.createStreamMs, () => {
      if (this.streams.get(name) === stream && stream.status === 'CREATING') stream.status = 'ACTIVE';
    });
    return stream;
  }

  delete(stream: Stream): void {
    stream.status = 'DELETING';
    this.after(this.options.deleteStreamMs, () => {
      if (this.streams.get(stream.name) !== stream) return;
      this.streams.delete(stream.name);
      for (const shard of stream.shards) this.storedBytes -= shard.log.bytes;
    });
  }

  /**
   * Marks the stream UPDATING now and rebuilds its shards when the configured delay has passed
   * — or, under the `stuck-updating` fault, only once the fault is cleared.
   */
  updateShardCount(stream: Stream, target: number): void {
    stream.status = 'UPDATING';
    stream.shardCountUpdates.push(this.clock.nowMs());
    const finish = () => {
      if (this.streams.get(stream.name) !== stream || stream.status !== 'UPDATING') return;
      reshardUniformly(stream, target, (s, range, parent, adjacent) => this.openShard(s, range, parent, adjacent));
      stream.status = 'ACTIVE';
    };
    if (this.stuckOnNextUpdate.delete(stream.name)) this.stuckUpdates.set(stream.name, finish);
    else this.after(this.options.updateShardCountMs, finish);
  }

  /** Fault injection: the stream's next UpdateShardCount stays UPDATING until `releaseStuck`. */
  stickNextUpdate(name: string): void {
    this.get(name);
    this.stuckOnNextUpdate.add(name);
  }

  /** Clears the fault; a reshard held UPDATING by it completes now. Returns whether one was held. */
  releaseStuck(name: string): boolean {
    this.stuckOnNextUpdate.delete(name);
    const finish = this.stuckUpdates.get(name);
    this.stuckUpdates.delete(name);
    finish?.();
    return finish !== undefined;
  }

  /** SplitShard / MergeShards: UPDATING now, the lineage change after the configured delay. */
  reshard(stream: Stream, change: (open: OpenShard) => void): void {
    stream.status = 'UPDATING';
    this.after(this.options.updateShardCountMs, () => {
      if (this.streams.get(stream.name) !== stream || stream.status !== 'UPDATING') return;
      change((s, range, parent, adjacent) => this.openShard(s, range, parent, adjacent));
      stream.routing = stream.shards.filter((shard) => shard.endingCounter === null).sort((a, b) => (a.startHex < b.startHex ? -1 : 1));
      stream.status = 'ACTIVE';
    });
  }

  /**
   * Sets the new retention now (DescribeStream reports it at once, the next trim applies it)
   * and keeps the stream UPDATING for the configured delay, as AWS does.
   */
  updateRetention(stream: Stream, hours: number): void {
    stream.status = 'UPDATING';
    stream.retentionHours = hours;
    this.after(this.options.updateRetentionPeriodMs, () => {
      if (this.streams.get(stream.name) !== stream || stream.status !== 'UPDATING') return;
      stream.status = 'ACTIVE';
    });
  }

  openShard(
    stream: Stream,
    range: { startHex: string; endHex: string },
    parentShardId: string | null,
    adjacentParentShardId: string | null,
  ): Shard {
    const index = stream.nextShardIndex++;
    const shard: Shard = {
      id: `shardId-${String(index).padStart(12, '0')}`,
      index,
      startHex: range.startHex,
      endHex: range.endHex,
      parentShardId,
      adjacentParentShardId,
      startingCounter: stream.counter,
      endingCounter: null,
      log: new ShardLog(),
      writes: new SlidingWindow(),
      reads: new SlidingWindow(),
    };
    stream.shards.push(shard);
    return shard;
  }

  /** Applies retention and, when all streams together exceed the cap, drops the oldest chunks. */
  trimAll(): void {
    const now = this.clock.nowMs();
    for (const stream of this.streams.values()) {
      const cutoff = now - stream.retentionHours * 3600_000;
      for (const shard of stream.shards) this.storedBytes -= shard.log.trimBefore(cutoff);
    }
    this.enforceMemoryCap();
  }

  enforceMemoryCap(): void {
    while (this.storedBytes > this.options.memoryCapBytes) {
      const oldest = this.shardWithOldestRecord();
      if (oldest === null) return;
      this.storedBytes -= oldest.log.trimOldestChunk();
    }
  }

  private shardWithOldestRecord(): Shard | null {
    let best: Shard | null = null;
    let bestArrival = Infinity;
    for (const stream of this.streams.values()) {
      for (const shard of stream.shards) {
        const first = shard.log.firstArrivalMs();
        if (first !== null && first < bestArrival) {
          best = shard;
          bestArrival = first;
        }
      }
    }
    return best;
  }

  private after(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
  }

  reset(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.stuckOnNextUpdate.clear();
    this.stuckUpdates.clear();
    this.streams.clear();
    this.storedBytes = 0;
  }

  close(): void {
    this.reset();
    clearInterval(this.maintenance);
  }
}
