/**
 * One GetRecords call against a shard, as AWS accounts for it: the shard's read budget
 * (5 calls and 2 MiB per second, shared by every consumer — the GetRecords API and the
 * simulated Flink job alike), and the `GetRecords.*` metrics (plus the shard-level
 * `Outgoing*` / `IteratorAgeMilliseconds` ones under enhanced monitoring).
 */
import { publish, publishShard } from './metrics.js';
import type { Shard, Stream } from './model.js';
import { readFrom, type ShardRead } from './records.js';
import type { StreamStore } from './store.js';

export type ShardReadOutcome = { throttled: true } | ({ throttled: false; bytes: number } & ShardRead);

export function readShardMetered(store: StreamStore, stream: Stream, shard: Shard, position: number, limit: number, nowMs: number): ShardReadOutcome {
  const started = performance.now();
  const options = store.options;
  if (options.limitsEnabled) {
    const usage = shard.reads.usage(nowMs);
    if (usage.count + 1 > options.readCallsPerSecond || usage.bytes >= options.readBytesPerSecond) {
      publish(store, stream, 'ReadProvisionedThroughputExceeded', 1, nowMs);
      publishShard(store, stream, shard, 'ReadProvisionedThroughputExceeded', 1, nowMs);
      return { throttled: true };
    }
  }
  const read = readFrom(shard, position, limit);
  let bytes = 0;
  for (const r of read.records) bytes += r.size;
  if (options.limitsEnabled) shard.reads.add(nowMs, 1, bytes);
  const last = read.records[read.records.length - 1];
  const iteratorAge = last === undefined ? 0 : Math.max(0, nowMs - last.arrivalMs);
  publish(store, stream, 'GetRecords.Records', read.records.length, nowMs);
  publish(store, stream, 'GetRecords.Bytes', bytes, nowMs);
  publish(store, stream, 'GetRecords.IteratorAgeMilliseconds', iteratorAge, nowMs);
  publish(store, stream, 'GetRecords.Success', 1, nowMs);
  publish(store, stream, 'GetRecords.Latency', Math.round(performance.now() - started), nowMs);
  publish(store, stream, 'ReadProvisionedThroughputExceeded', 0, nowMs);
  publishShard(store, stream, shard, 'OutgoingRecords', read.records.length, nowMs);
  publishShard(store, stream, shard, 'OutgoingBytes', bytes, nowMs);
  publishShard(store, stream, shard, 'IteratorAgeMilliseconds', iteratorAge, nowMs);
  return { throttled: false, bytes, ...read };
}
