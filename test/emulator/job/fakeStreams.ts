/** An in-memory `StreamReader` for job tests: shards with lineage and records appended by hand. */
import type { ShardReadResult, ShardView, StreamReader, StreamRecordView } from '../../../emulator/core/types.js';

interface FakeShard extends ShardView {
  records: StreamRecordView[];
}

export class FakeStreams implements StreamReader {
  private readonly streams = new Map<string, FakeShard[]>();
  private sequence = 0;

  addShard(stream: string, shardId: string, parents: [string | null, string | null] = [null, null]): void {
    const shards = this.streams.get(stream) ?? [];
    shards.push({ shardId, parentShardId: parents[0], adjacentParentShardId: parents[1], closed: false, records: [] });
    this.streams.set(stream, shards);
  }

  close(stream: string, shardId: string): void {
    this.shard(stream, shardId).closed = true;
  }

  append(stream: string, shardId: string, partitionKey: string, payload: unknown, arrivalMs = 0): void {
    this.sequence += 1;
    this.shard(stream, shardId).records.push({
      sequenceNumber: String(this.sequence).padStart(56, '0'),
      partitionKey,
      data: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
      arrivalMs,
    });
  }

  streamExists(stream: string): boolean {
    return this.streams.has(stream);
  }

  shards(stream: string): ShardView[] {
    return (this.streams.get(stream) ?? []).map(({ records: _records, ...view }) => view);
  }

  readShard(stream: string, shardId: string, after: string | null, limit: number): ShardReadResult {
    const shard = this.shard(stream, shardId);
    const start = after === null ? 0 : shard.records.findIndex((r) => r.sequenceNumber === after) + 1;
    const records = shard.records.slice(start, start + limit);
    return {
      records,
      endOfClosedShard: shard.closed && start + records.length >= shard.records.length,
      latestArrivalMs: shard.records.at(-1)?.arrivalMs ?? null,
    };
  }

  private shard(stream: string, shardId: string): FakeShard {
    const shard = this.streams.get(stream)?.find((s) => s.shardId === shardId);
    if (!shard) throw new Error(`no shard ${shardId} in ${stream}`);
    return shard;
  }
}

/** A trip inside New York with its drop-off `minute` minutes after 08:00 UTC on 2024-03-01. */
export function nycTrip(id: number, minute: number): Record<string, unknown> {
  const dropoff = Date.UTC(2024, 2, 1, 8, minute);
  return {
    trip_id: `t${id}`,
    pickup_datetime: new Date(dropoff - 600_000).toISOString(),
    dropoff_datetime: new Date(dropoff).toISOString(),
    pickup_latitude: 40.758,
    pickup_longitude: -73.9855,
    dropoff_latitude: 40.75,
    dropoff_longitude: -73.99,
    passenger_count: 1,
    trip_distance: 1.2,
    total_amount: 9.5,
  };
}
