/**
 * KPL aggregation for the replay (the article replays with `-aggregate`): user records
 * bound for the same shard are packed into Kinesis records in the KPL's aggregated
 * format by `aws-kinesis-agg` (awslabs' library: protobuf, magic number and MD5 as the
 * KPL writes them), each sent with an ExplicitHashKey inside that shard's range — the
 * hash of its first user record's partition key, as the KPL does — so every user record
 * lands in the shard its own key maps to and order per key holds. The shard map comes
 * from ListShards and is refreshed periodically and after any failure, as the KPL does.
 *
 * Each user record reports the outcome of the Kinesis record that carried it, so
 * `sendBatch` re-sends (and this sink re-aggregates) exactly the throttled ones.
 * Kinesis limits then bind on bytes (1 MiB/s per shard) instead of on records, so —
 * like the KPL's per-shard `RateLimit` — the sink holds back what a shard cannot take
 * this second instead of shipping megabytes to be refused: those records are answered
 * as throttled without a call, and `sendBatch` offers them again after its backoff.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { ListShardsCommand, PutRecordsCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';
import { MAX_BYTES_PER_CALL, MAX_RECORDS_PER_CALL, type OutgoingRecord } from './batch.js';
import type { RecordResult, RecordSink } from './put-records.js';

interface EncodedRecord {
  partitionKey: string;
  data: Buffer;
}
interface RecordAggregatorApi {
  calculateUserRecordSize(record: { partitionKey: string; data: Buffer }): number;
  addUserRecord(record: { partitionKey: string; data: Buffer }): void;
  build(): EncodedRecord | undefined;
  length(): number;
}
// The package's own typings import the v2 SDK and omit RecordAggregator: typed here instead.
const agg = createRequire(import.meta.url)('aws-kinesis-agg') as { RecordAggregator: new () => RecordAggregatorApi };

/** The KPL's default `AggregationMaxSize`: an aggregated record stays within 50 KiB. */
export const AGGREGATION_MAX_BYTES = 51_200;
/**
 * An engine batch of user records: not bounded by 500 records, but kept near what a couple
 * of shards take in a second, so held-back records are not re-aggregated over and over.
 */
const USER_RECORDS_PER_BATCH = 10_000;
const BATCH_BYTES = 1536 * 1024;
const SHARD_MAP_TTL_MS = 10_000;
/** Kinesis's write limit per shard; the KPL's RateLimit of 100 % keeps the producer at it. */
const SHARD_BYTES_PER_SECOND = 1024 * 1024;
const LOCALLY_THROTTLED = 'ProvisionedThroughputExceededException';

/** A token bucket of one shard's bytes per second (capacity one second's worth). */
class ShardBudget {
  private tokens = SHARD_BYTES_PER_SECOND;
  private refilledAt: number;

  constructor(now: number) {
    this.refilledAt = now;
  }

  take(bytes: number, now: number): boolean {
    this.tokens = Math.min(SHARD_BYTES_PER_SECOND, this.tokens + ((now - this.refilledAt) * SHARD_BYTES_PER_SECOND) / 1000);
    this.refilledAt = now;
    if (bytes > this.tokens) return false;
    this.tokens -= bytes;
    return true;
  }
}

interface ShardRange {
  start: bigint;
  end: bigint;
}

export function hashKeyOf(partitionKey: string): bigint {
  return BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
}

/** Packs user records (all bound for one shard) into aggregated Kinesis records of at most `maxBytes`. */
export function aggregateForShard(records: readonly OutgoingRecord[], maxBytes = AGGREGATION_MAX_BYTES): { record: EncodedRecord & { explicitHashKey: string }; members: number[] }[] {
  const out: { record: EncodedRecord & { explicitHashKey: string }; members: number[] }[] = [];
  let aggregator = new agg.RecordAggregator();
  let size = 0;
  let members: number[] = [];
  let first = '';
  const close = () => {
    const encoded = aggregator.build();
    if (encoded) out.push({ record: { ...encoded, explicitHashKey: hashKeyOf(first).toString() }, members });
    aggregator = new agg.RecordAggregator();
    size = 0;
    members = [];
  };
  records.forEach((r, i) => {
    const user = { partitionKey: r.partitionKey, data: Buffer.from(r.data) };
    const bytes = aggregator.calculateUserRecordSize(user);
    if (members.length > 0 && size + bytes > maxBytes) close();
    if (members.length === 0) first = r.partitionKey;
    aggregator.addUserRecord(user);
    size += bytes;
    members.push(i);
  });
  if (members.length > 0) close();
  return out;
}

export function kplAggregatingSink(kinesis: KinesisClient, streamName: string, options: { now?: () => number } = {}): RecordSink {
  const now = options.now ?? Date.now;
  let shards: ShardRange[] = [];
  let loadedAt = -Infinity;
  const budgets = new Map<string, ShardBudget>();
  const budgetOf = (range: ShardRange): ShardBudget => {
    const key = `${range.start}`;
    let budget = budgets.get(key);
    if (budget === undefined) {
      budget = new ShardBudget(now());
      budgets.set(key, budget);
    }
    return budget;
  };

  async function shardMap(): Promise<ShardRange[]> {
    if (shards.length > 0 && now() - loadedAt < SHARD_MAP_TTL_MS) return shards;
    const open: Shard[] = [];
    let token: string | undefined;
    do {
      const page = await kinesis.send(
        new ListShardsCommand(token ? { NextToken: token } : { StreamName: streamName, ShardFilter: { Type: 'AT_LATEST' } }),
      );
      open.push(...(page.Shards ?? []));
      token = page.NextToken;
    } while (token);
    shards = open
      .map((s) => ({ start: BigInt(s.HashKeyRange?.StartingHashKey ?? '0'), end: BigInt(s.HashKeyRange?.EndingHashKey ?? '0') }))
      .sort((a, b) => (a.start < b.start ? -1 : 1));
    loadedAt = now();
    return shards;
  }

  const shardIndex = (map: ShardRange[], key: bigint): number => {
    const i = map.findIndex((s) => key >= s.start && key <= s.end);
    return i < 0 ? 0 : i;
  };

  return {
    name: streamName,
    batchLimits: { maxRecords: USER_RECORDS_PER_BATCH, maxBytes: BATCH_BYTES },
    async putRecords(records) {
      const map = await shardMap();
      const groups = new Map<number, number[]>();
      records.forEach((r, i) => {
        const shard = shardIndex(map, hashKeyOf(r.partitionKey));
        const group = groups.get(shard) ?? [];
        group.push(i);
        groups.set(shard, group);
      });
      const results: RecordResult[] = records.map(() => ({}));
      const aggregated: { record: EncodedRecord & { explicitHashKey: string }; members: number[] }[] = [];
      for (const [shard, indices] of groups) {
        const budget = budgetOf(map[shard] ?? { start: 0n, end: 0n });
        let heldBack = false;
        for (const a of aggregateForShard(indices.map((i) => records[i]!))) {
          const members = a.members.map((m) => indices[m]!);
          heldBack ||= !budget.take(a.record.data.byteLength + Buffer.byteLength(a.record.partitionKey), now());
          if (heldBack) {
            for (const m of members) results[m] = { errorCode: LOCALLY_THROTTLED, errorMessage: 'held back by the producer: the shard’s 1 MiB/s is spent this second' };
          } else {
            aggregated.push({ record: a.record, members });
          }
        }
      }
      let anyFailed = false;
      // One PutRecords call carries at most 500 Kinesis records and 5 MiB.
      for (let from = 0; from < aggregated.length; ) {
        let bytes = 0;
        let to = from;
        while (to < aggregated.length && to - from < MAX_RECORDS_PER_CALL) {
          const size = aggregated[to]!.record.data.byteLength + Buffer.byteLength(aggregated[to]!.record.partitionKey);
          if (to > from && bytes + size > MAX_BYTES_PER_CALL) break;
          bytes += size;
          to += 1;
        }
        const chunk = aggregated.slice(from, to);
        const out = await kinesis.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: chunk.map((a) => ({ PartitionKey: a.record.partitionKey, Data: a.record.data, ExplicitHashKey: a.record.explicitHashKey })),
          }),
        );
        (out.Records ?? []).forEach((r, i) => {
          if (!r.ErrorCode) return;
          anyFailed = true;
          for (const m of chunk[i]!.members) results[m] = { errorCode: r.ErrorCode, errorMessage: r.ErrorMessage };
        });
        from = to;
      }
      // A failure may come from a reshard the map does not know yet.
      if (anyFailed) loadedAt = -Infinity;
      return results;
    },
  };
}
