/**
 * The job's Kinesis source: reads the input stream in process through the
 * `StreamReader` contract and follows resharding as the Flink connector does — a
 * child shard is read only after its parents are finished, so records of one
 * partition key stay in order.
 */
import type { ShardView, StreamReader, StreamRecordView } from '../core/types.js';

/** Where the source stands; part of every checkpoint. */
export interface SourcePosition {
  /** Shard id → sequence number of the last record read (absent: from the trim horizon). */
  after: Map<string, string>;
  finished: Set<string>;
}

export function emptyPosition(): SourcePosition {
  return { after: new Map(), finished: new Set() };
}

export function copyPosition(p: SourcePosition): SourcePosition {
  return { after: new Map(p.after), finished: new Set(p.finished) };
}

export interface SourceRead {
  records: StreamRecordView[];
  /** Age of the oldest unread record (0 when caught up): the source's millisBehindLatest. */
  lagMs: number;
  /** Shards that could be read this round (what source subtasks can be busy with). */
  readableShards: number;
}

/** Most records one GetRecords call returns; a subtask reads in calls of at most this many. */
const MAX_RECORDS_PER_CALL = 10_000;

export class KinesisSource {
  constructor(
    private readonly streams: StreamReader,
    private readonly streamName: string,
  ) {}

  exists(): boolean {
    return this.streams.streamExists(this.streamName);
  }

  /** Shards not finished whose parents are finished (or already trimmed away). */
  readable(position: SourcePosition): ShardView[] {
    const shards = this.streams.shards(this.streamName);
    const known = new Set(shards.map((s) => s.shardId));
    const done = (id: string | null) => id === null || !known.has(id) || position.finished.has(id);
    return shards.filter((s) => !position.finished.has(s.shardId) && done(s.parentShardId) && done(s.adjacentParentShardId));
  }

  /** Reads up to `budget` records, spread evenly over the readable shards. */
  read(position: SourcePosition, budget: number, nowMs: number): SourceRead {
    const records: StreamRecordView[] = [];
    let remaining = Math.floor(budget);
    let shards = this.readable(position);
    const readableShards = shards.length;
    while (remaining > 0 && shards.length > 0) {
      const share = Math.max(1, Math.ceil(remaining / shards.length));
      // Shards that filled their share may hold more; caught-up shards sit out the next round.
      const busy: ShardView[] = [];
      let lineageChanged = false;
      for (const shard of shards) {
        if (remaining <= 0) break;
        const limit = Math.min(share, remaining, MAX_RECORDS_PER_CALL);
        const result = this.streams.readShard(this.streamName, shard.shardId, position.after.get(shard.shardId) ?? null, limit);
        for (const r of result.records) records.push(r);
        const last = result.records[result.records.length - 1];
        if (last) {
          position.after.set(shard.shardId, last.sequenceNumber);
          remaining -= result.records.length;
        }
        if (result.endOfClosedShard) {
          position.finished.add(shard.shardId);
          lineageChanged = true;
        } else if (result.records.length === limit) {
          busy.push(shard);
        }
      }
      shards = lineageChanged ? this.readable(position) : busy;
    }
    return { records, lagMs: this.lag(position, nowMs), readableShards };
  }

  private lag(position: SourcePosition, nowMs: number): number {
    let lag = 0;
    for (const shard of this.readable(position)) {
      const next = this.streams.readShard(this.streamName, shard.shardId, position.after.get(shard.shardId) ?? null, 1).records[0];
      if (next) lag = Math.max(lag, nowMs - next.arrivalMs);
    }
    return lag;
  }
}
