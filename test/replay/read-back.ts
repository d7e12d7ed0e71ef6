/**
 * Reads a whole stream back through the public API (every shard, from TRIM_HORIZON),
 * the way a consumer would: the tests' ground truth for "delivered exactly as often
 * as in the source".
 */
import {
  GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, ProvisionedThroughputExceededException, type GetRecordsCommandOutput,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { hashKeyOf } from '../../activities/replay/kpl-sink.js';
import { kplExpander } from '../../emulator/job/deaggregate.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One GetRecords call that waits out throttling: a shard allows 5 reads a second, shared with the emulated
 * Flink job reading the same shard, and the SDK's own three attempts ran out on a busy machine. Calls are
 * not spaced otherwise: a read-back while the replay still writes must catch up with the stream's tip.
 */
async function getRecords(kinesis: KinesisClient, iterator: string): Promise<GetRecordsCommandOutput> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    } catch (err) {
      if (!(err instanceof ProvisionedThroughputExceededException) || attempt >= 20) throw err;
      await sleep(Math.min(2_000, 100 * 2 ** attempt));
    }
  }
}

export async function readWholeStream(kinesis: KinesisClient, streamName: string): Promise<string[]> {
  const shards = (await kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
  const keys: string[] = [];
  for (const shard of shards) {
    let iterator = (
      await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))
    ).ShardIterator;
    while (iterator) {
      const out = await getRecords(kinesis, iterator);
      for (const r of out.Records ?? []) keys.push(r.PartitionKey!);
      if ((out.Records ?? []).length === 0 && (out.MillisBehindLatest ?? 0) === 0) break;
      iterator = out.NextShardIterator;
    }
  }
  return keys;
}

/** Occurrences per id. */
export function countIds(ids: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** Every user record of the stream, de-aggregated as a KCL/connector consumer would, with its shard. */
export async function readUserRecords(kinesis: KinesisClient, stream: string): Promise<{ keys: string[]; kinesisRecords: number; misplaced: number }> {
  const shards = (await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  const keys: string[] = [];
  let kinesisRecords = 0;
  let misplaced = 0;
  for (const shard of shards) {
    const [start, end] = [BigInt(shard.HashKeyRange!.StartingHashKey!), BigInt(shard.HashKeyRange!.EndingHashKey!)];
    let iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (iterator) {
      const out = await getRecords(kinesis, iterator);
      for (const r of out.Records ?? []) {
        kinesisRecords += 1;
        const users = kplExpander({ sequenceNumber: r.SequenceNumber!, partitionKey: r.PartitionKey!, data: Buffer.from(r.Data!), arrivalMs: 0 });
        for (const u of users) {
          keys.push(u.partitionKey);
          const key = hashKeyOf(u.partitionKey);
          if (key < start || key > end) misplaced += 1;
        }
      }
      if ((out.Records ?? []).length === 0 && (out.MillisBehindLatest ?? 0) === 0) break;
      iterator = out.NextShardIterator;
    }
  }
  return { keys, kinesisRecords, misplaced };
}
