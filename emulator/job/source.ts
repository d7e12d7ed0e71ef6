/**
 * The job's Kinesis source, modelled on the Flink Kinesis connector's polling consumer:
 * per shard it fetches with GetRecords calls (at most one every 200 ms, up to 10,000
 * records each) into a bounded read-ahead buffer, and the job processes from the
 * buffers. Fetches go through `StreamReader.fetchShard`, so they count against the
 * shard's 5 reads/s and 2 MiB/s — shared with any other consumer — and appear in the
 * `GetRecords.*` metrics; a throttled shard waits for its next poll, as the connector
 * backs off. It follows resharding as the connector does: a child shard is read only
 * after its parents are finished, so records of one partition key stay in order.
 *
 * Kinesis records are expanded into user records (KPL de-aggregation, as the connector
 * does) by an optional `expand` function; positions then carry the sub-sequence number
 * of the last user record processed inside a partly processed Kinesis record.
 */
import type { ShardView, StreamReader, StreamRecordView } from '../core/types.js';

/** Where the source stands; part of every checkpoint. */
export interface SourcePosition {
  /** Shard id → sequence number of the last Kinesis record fully processed (absent: from the trim horizon). */
  after: Map<string, string>;
  finished: Set<string>;
  /** Shard id → the Kinesis record processed only in part, and how many of its user records were. */
  partial: Map<string, { sequenceNumber: string; done: number }>;
}

export function emptyPosition(): SourcePosition {
  return { after: new Map(), finished: new Set(), partial: new Map() };
}

export function copyPosition(p: SourcePosition): SourcePosition {
  return { after: new Map(p.after), finished: new Set(p.finished), partial: new Map(p.partial ?? []) };
}

/** One user record; for a plain (not aggregated) Kinesis record the record itself. */
export interface UserRecordView extends StreamRecordView {
  /** Index inside its Kinesis record and how many user records that record holds. */
  subSequence: number;
  ofCount: number;
}

/** Turns a Kinesis record into its user records (identity when not KPL-aggregated). */
export type RecordExpander = (record: StreamRecordView) => UserRecordView[];

export const identityExpander: RecordExpander = (record) => [{ ...record, subSequence: 0, ofCount: 1 }];

export interface SourceRead {
  /** User records, in shard order. */
  records: UserRecordView[];
  /** Age of the oldest unprocessed record (0 when caught up): the source's millisBehindLatest. */
  lagMs: number;
  /** The same per shard (shards with nothing unread report 0). */
  shardLagMs: Map<string, number>;
  /** Shards that could be read this round (what source subtasks can be busy with). */
  readableShards: number;
}

/** Most records one GetRecords call returns (the connector's default `SHARD_GETRECORDS_MAX`). */
const MAX_RECORDS_PER_CALL = 10_000;
/** The connector's default `SHARD_GETRECORDS_INTERVAL_MILLIS`. */
const POLL_INTERVAL_MS = 200;
/** Read-ahead per shard, in Kinesis records: the connector's bounded queue. */
const BUFFER_RECORDS = MAX_RECORDS_PER_CALL;

interface ShardBuffer {
  /** User records fetched and not processed yet. */
  pending: UserRecordView[];
  /** Sequence number of the last Kinesis record fetched (null: none yet). */
  fetchedAfter: string | null;
  /** The last fetch reached the end of the closed shard. */
  endReached: boolean;
  lastPollMs: number;
  kinesisRecords: number;
}

export class KinesisSource {
  private buffers = new Map<string, ShardBuffer>();

  constructor(
    private readonly streams: StreamReader,
    private readonly streamName: string,
    private readonly expand: RecordExpander = identityExpander,
  ) {}

  exists(): boolean {
    return this.streams.streamExists(this.streamName);
  }

  /** Drops read-ahead (after a restore the job re-reads from its checkpoint, as Flink does). */
  discardBuffers(): void {
    this.buffers.clear();
  }

  /** Shards not finished whose parents are finished (or already trimmed away). */
  readable(position: SourcePosition): ShardView[] {
    const shards = this.streams.shards(this.streamName);
    const known = new Set(shards.map((s) => s.shardId));
    const done = (id: string | null) => id === null || !known.has(id) || position.finished.has(id);
    return shards.filter((s) => !position.finished.has(s.shardId) && done(s.parentShardId) && done(s.adjacentParentShardId));
  }

  /** Processes up to `budget` user records, spread evenly over the readable shards. */
  read(position: SourcePosition, budget: number, nowMs: number): SourceRead {
    const records: UserRecordView[] = [];
    let remaining = Math.floor(budget);
    let shards = this.readable(position);
    const readableShards = shards.length;
    for (const shard of shards) this.poll(shard, position, nowMs);
    while (remaining > 0 && shards.length > 0) {
      const share = Math.max(1, Math.ceil(remaining / shards.length));
      const busy: ShardView[] = [];
      let lineageChanged = false;
      for (const shard of shards) {
        if (remaining <= 0) break;
        const buffer = this.buffers.get(shard.shardId);
        if (buffer === undefined) continue;
        const taken = buffer.pending.splice(0, Math.min(share, remaining));
        for (const r of taken) {
          records.push(r);
          advance(position, shard.shardId, r);
        }
        remaining -= taken.length;
        if (buffer.pending.length === 0 && buffer.endReached) {
          position.finished.add(shard.shardId);
          position.partial.delete(shard.shardId);
          this.buffers.delete(shard.shardId);
          lineageChanged = true;
        } else if (buffer.pending.length > 0) {
          busy.push(shard);
        }
      }
      if (lineageChanged) {
        const next = this.readable(position);
        for (const shard of next) this.poll(shard, position, nowMs);
        shards = next.filter((s) => (this.buffers.get(s.shardId)?.pending.length ?? 0) > 0 || this.buffers.get(s.shardId)?.endReached);
      } else {
        shards = busy;
      }
    }
    const lag = this.lag(position, nowMs);
    return { records, lagMs: lag.lagMs, shardLagMs: lag.shardLagMs, readableShards };
  }

  /** Lag of what is not processed yet, per shard and overall; a peek, no GetRecords call. */
  lag(position: SourcePosition, nowMs: number): { lagMs: number; shardLagMs: Map<string, number> } {
    let lagMs = 0;
    const shardLagMs = new Map<string, number>();
    for (const shard of this.readable(position)) {
      // The next unprocessed record follows the last fully processed one (a partial one included).
      const next = this.streams.readShard(this.streamName, shard.shardId, position.after.get(shard.shardId) ?? null, 1).records[0];
      const lag = next ? Math.max(0, nowMs - next.arrivalMs) : 0;
      shardLagMs.set(shard.shardId, lag);
      lagMs = Math.max(lagMs, lag);
    }
    return { lagMs, shardLagMs };
  }

  /** One GetRecords call for the shard when its poll interval has passed and its buffer has room. */
  private poll(shard: ShardView, position: SourcePosition, nowMs: number): void {
    let buffer = this.buffers.get(shard.shardId);
    if (buffer === undefined) {
      buffer = { pending: [], fetchedAfter: position.after.get(shard.shardId) ?? null, endReached: false, lastPollMs: -Infinity, kinesisRecords: 0 };
      this.buffers.set(shard.shardId, buffer);
    }
    if (buffer.endReached || nowMs - buffer.lastPollMs < POLL_INTERVAL_MS) return;
    if (buffer.pending.length > 0 && buffer.kinesisRecords >= BUFFER_RECORDS) return;
    buffer.lastPollMs = nowMs;
    const result = this.streams.fetchShard
      ? this.streams.fetchShard(this.streamName, shard.shardId, buffer.fetchedAfter, MAX_RECORDS_PER_CALL, nowMs)
      : { ...this.streams.readShard(this.streamName, shard.shardId, buffer.fetchedAfter, MAX_RECORDS_PER_CALL), throttled: false };
    if (result.throttled) return;
    if (buffer.pending.length === 0) buffer.kinesisRecords = 0;
    const partial = position.partial.get(shard.shardId);
    for (const record of result.records) {
      let users = this.expand(record);
      // Resuming inside a Kinesis record processed in part: skip its processed user records.
      if (partial !== undefined && partial.sequenceNumber === record.sequenceNumber) users = users.slice(partial.done);
      for (const u of users) buffer.pending.push(u);
      buffer.kinesisRecords += 1;
    }
    const last = result.records[result.records.length - 1];
    if (last) buffer.fetchedAfter = last.sequenceNumber;
    buffer.endReached = result.endOfClosedShard;
  }
}

function advance(position: SourcePosition, shardId: string, record: UserRecordView): void {
  if (record.subSequence + 1 >= record.ofCount) {
    position.after.set(shardId, record.sequenceNumber);
    position.partial.delete(shardId);
  } else {
    position.partial.set(shardId, { sequenceNumber: record.sequenceNumber, done: record.subSequence + 1 });
  }
}
