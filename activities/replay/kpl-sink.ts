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
 * `sendBatch` re-sends (and this sink re-aggregates) exactly the refused ones.
 * Kinesis limits then bind on bytes (1 MiB/s per shard) instead of on records, so the
 * sink paces each shard by its write limit, as the KPL's per-shard rate limiter does:
 * it waits until the shard's last second leaves room (`ShardWindow`) instead of shipping
 * bytes to be refused, and sends to all shards of a batch side by side.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { awsErrorName, classifyAwsError } from '../aws/errors.js';
import { listOpenShards } from '../aws/shards.js';
import { MAX_BYTES_PER_CALL, MAX_RECORDS_PER_CALL, type OutgoingRecord } from './batch.js';
import { THROTTLED, type RecordResult, type RecordSink } from './put-records.js';
import { ShardWindow } from './shard-window.js';

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
 * of shards take in a second, so the batch is acknowledged (and checkpointed) about once a second.
 */
const USER_RECORDS_PER_BATCH = 10_000;
const BATCH_BYTES = 1536 * 1024;
const SHARD_MAP_TTL_MS = 10_000;
/** A shard that refused a write is offered it again after this (times the rounds in a row). */
const REFUSED_RETRY_MS = 20;
/** Rounds in a row without a stored record before the records go back to `sendBatch` as throttled. */
const REFUSED_ROUNDS = 5;

type Aggregated = { record: EncodedRecord & { explicitHashKey: string }; members: number[] };

const sizeOf = (a: Aggregated): number => a.record.data.byteLength + Buffer.byteLength(a.record.partitionKey);

/** A shard's hash key range as 32-digit hex: compared as strings, no BigInt per record. */
interface ShardRange {
  startHex: string;
  endHex: string;
}

const toHex = (key: string | undefined): string => BigInt(key ?? '0').toString(16).padStart(32, '0');

/** The 128-bit hash key Kinesis routes a partition key by (MD5), as 32-digit hex. */
function hashHexOf(partitionKey: string): string {
  return createHash('md5').update(partitionKey, 'utf8').digest('hex');
}

export function hashKeyOf(partitionKey: string): bigint {
  return BigInt(`0x${hashHexOf(partitionKey)}`);
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
    const user = { partitionKey: r.partitionKey, data: Buffer.isBuffer(r.data) ? r.data : Buffer.from(r.data) };
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

export interface KplSinkOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function kplAggregatingSink(kinesis: KinesisClient, streamName: string, options: KplSinkOptions = {}): RecordSink {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let shards: ShardRange[] = [];
  let loadedAt = -Infinity;
  const windows = new Map<string, ShardWindow>();
  const windowOf = (range: ShardRange): ShardWindow => {
    const key = range.startHex;
    let window = windows.get(key);
    if (window === undefined) {
      window = new ShardWindow();
      windows.set(key, window);
    }
    return window;
  };

  async function shardMap(): Promise<ShardRange[]> {
    if (shards.length > 0 && now() - loadedAt < SHARD_MAP_TTL_MS) return shards;
    shards = (await listOpenShards(kinesis, streamName))
      .map((s) => ({ startHex: toHex(s.HashKeyRange?.StartingHashKey), endHex: toHex(s.HashKeyRange?.EndingHashKey) }))
      .sort((a, b) => (a.startHex < b.startHex ? -1 : 1));
    loadedAt = now();
    return shards;
  }

  const shardIndex = (map: ShardRange[], keyHex: string): number => {
    const i = map.findIndex((s) => keyHex >= s.startHex && keyHex <= s.endHex);
    return i < 0 ? 0 : i;
  };

  /**
   * Sends one shard's aggregated records as fast as its window allows, one PutRecords call
   * at a time (at most 500 records and 5 MiB), waiting for the window rather than being
   * refused. Returns the failures per aggregated record; shards are sent side by side.
   */
  async function sendToShard(window: ShardWindow, aggregated: Aggregated[]): Promise<Map<Aggregated, RecordResult>> {
    const failures = new Map<Aggregated, RecordResult>();
    let queue = aggregated;
    let refusedRounds = 0;
    while (queue.length > 0) {
      const wait = window.waitMs(sizeOf(queue[0]!), now());
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      const free = window.free(now());
      let bytes = sizeOf(queue[0]!);
      let to = 1;
      while (to < queue.length && to < Math.min(MAX_RECORDS_PER_CALL, free.records)) {
        const size = sizeOf(queue[to]!);
        if (bytes + size > Math.min(MAX_BYTES_PER_CALL, free.bytes)) break;
        bytes += size;
        to += 1;
      }
      const chunk = queue.slice(0, to);
      const entry = window.send(bytes, chunk.length, now());
      const stored = { bytes: 0, records: 0 };
      const refused: Aggregated[] = [];
      try {
        const out = await kinesis.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: chunk.map((a) => ({ PartitionKey: a.record.partitionKey, Data: a.record.data, ExplicitHashKey: a.record.explicitHashKey })),
          }),
        );
        chunk.forEach((a, i) => {
          const r = out.Records?.[i];
          if (r !== undefined && !r.ErrorCode) {
            stored.bytes += sizeOf(a);
            stored.records += 1;
          } else if (r?.ErrorCode === THROTTLED) {
            refused.push(a);
          } else {
            failures.set(a, { errorCode: r?.ErrorCode ?? 'InternalFailure', errorMessage: r?.ErrorMessage ?? 'no result for this record' });
          }
        });
      } catch (err) {
        // The stream gone or access denied ends the replay; anything passing fails this
        // shard's unsent records only, so what other shards (and earlier calls) stored
        // is not sent twice.
        window.stored(entry, stored);
        if (classifyAwsError(err) !== 'retryable') throw err;
        const failure = { errorCode: awsErrorName(err), errorMessage: (err as Error).message };
        for (const a of queue) failures.set(a, failure);
        return failures;
      }
      window.stored(entry, stored);
      // Refused: the shard's second ends a little after ours (it counted our last send on
      // arrival). Offered again shortly, in order; sendBatch takes over if it persists.
      if (refused.length > 0) {
        refusedRounds = stored.records > 0 ? 1 : refusedRounds + 1;
        if (refusedRounds > REFUSED_ROUNDS) {
          for (const a of [...refused, ...queue.slice(to)]) failures.set(a, { errorCode: THROTTLED, errorMessage: 'the shard kept refusing its write limit' });
          return failures;
        }
        await sleep(REFUSED_RETRY_MS * refusedRounds);
      }
      queue = [...refused, ...queue.slice(to)];
    }
    return failures;
  }

  return {
    name: streamName,
    batchLimits: { maxRecords: USER_RECORDS_PER_BATCH, maxBytes: BATCH_BYTES },
    async putRecords(records) {
      const map = await shardMap();
      const groups = new Map<number, number[]>();
      records.forEach((r, i) => {
        const shard = shardIndex(map, hashHexOf(r.partitionKey));
        const group = groups.get(shard) ?? [];
        group.push(i);
        groups.set(shard, group);
      });
      const results: RecordResult[] = records.map(() => ({}));
      let anyFailed = false;
      // allSettled: a shard whose call fails for good must not leave another mid-send.
      const settled = await Promise.allSettled(
        [...groups].map(async ([shard, indices]) => {
          const aggregated = aggregateForShard(indices.map((i) => records[i]!)).map((a) => ({ record: a.record, members: a.members.map((m) => indices[m]!) }));
          const failures = await sendToShard(windowOf(map[shard] ?? { startHex: '', endHex: '' }), aggregated);
          for (const [a, failure] of failures) {
            anyFailed = true;
            for (const m of a.members) results[m] = failure;
          }
        }),
      );
      const fatal = settled.find((s) => s.status === 'rejected');
      if (fatal !== undefined) throw fatal.reason;
      // A failure may come from a reshard the map does not know yet.
      if (anyFailed) loadedAt = -Infinity;
      return results;
    },
  };
}
