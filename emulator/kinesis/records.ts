/**
 * Writing and reading records: routing by hash key, per-shard limits on a sliding
 * second, appends, and reads from a position. Shared by the wire operations and the
 * in-process StreamReader, so the simulated Flink job reads exactly what SDK readers do.
 */
import { invalidArgument } from './errors.js';
import { explicitHashKeyHex, partitionKeyHex } from './hashKeys.js';
import type { Shard, Stream } from './model.js';
import { isOpen } from './model.js';
import type { StoredRecord } from './shardLog.js';
import type { StreamStore } from './store.js';

/** The hash key a record is routed by, as 32-digit hex. */
export function recordHashHex(partitionKey: string, explicitHashKey: string | undefined): string {
  if (explicitHashKey === undefined) return partitionKeyHex(partitionKey);
  const hex = explicitHashKeyHex(explicitHashKey);
  if (hex === null) {
    throw invalidArgument(`Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${explicitHashKey}`);
  }
  return hex;
}

/** The open shard whose hash key range holds `hashHex` (binary search over the routing table). */
export function routeToShard(stream: Stream, hashHex: string): Shard {
  const routing = stream.routing;
  let lo = 0;
  let hi = routing.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((routing[mid] as Shard).startHex <= hashHex) lo = mid;
    else hi = mid - 1;
  }
  return routing[lo] as Shard;
}

/** Decoded byte length of base64 text without decoding it. */
export function base64Bytes(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

/** Appends one record unless the shard's write limits would be exceeded; returns its counter or null. */
export function appendRecord(
  store: StreamStore,
  stream: Stream,
  shard: Shard,
  nowMs: number,
  partitionKey: string,
  dataBase64: string,
  size: number,
): number | null {
  const options = store.options;
  if (options.limitsEnabled) {
    const usage = shard.writes.usage(nowMs);
    if (usage.count + 1 > options.writeRecordsPerSecond || usage.bytes + size > options.writeBytesPerSecond) return null;
    shard.writes.add(nowMs, 1, size);
  }
  const counter = ++stream.counter;
  store.storedBytes += shard.log.append(counter, nowMs, partitionKey, dataBase64, size);
  if (store.storedBytes > options.memoryCapBytes) store.enforceMemoryCap();
  return counter;
}

/** GetRecords's per-call byte ceiling. */
export const MAX_READ_BYTES = 10 * 1024 * 1024;

export interface ShardRead {
  records: StoredRecord[];
  nextPosition: number;
  /** The shard is closed and nothing remains after this read. */
  endOfClosedShard: boolean;
  /** The read reached the newest record of the shard. */
  caughtUp: boolean;
}

export function readFrom(shard: Shard, position: number, limit: number, maxBytes = MAX_READ_BYTES): ShardRead {
  const records = shard.log.read(position, limit, maxBytes);
  const last = records[records.length - 1];
  const nextPosition = last === undefined ? position : last.counter + 1;
  const newest = shard.log.lastCounter();
  const caughtUp = newest === null || nextPosition > newest;
  return { records, nextPosition, caughtUp, endOfClosedShard: !isOpen(shard) && caughtUp };
}
