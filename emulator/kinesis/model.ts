/**
 * Internal state of the emulated Kinesis Data Streams. Never sent as is: `wire.ts`
 * builds AWS's response shapes from it.
 */
import type { ShardLog } from './shardLog.js';
import type { SlidingWindow } from './slidingWindow.js';

export type StreamStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING';
export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';

export interface Shard {
  id: string;
  /** Index in `shardId-000000000000`; never reused within a stream. */
  index: number;
  /** Hash key bounds as 32-digit lower-case hex, so routing compares strings, not BigInts. */
  startHex: string;
  endHex: string;
  parentShardId: string | null;
  adjacentParentShardId: string | null;
  /** Stream sequence counter when the shard opened; its records all have larger counters. */
  startingCounter: number;
  /** Set when resharding closes the shard; no record of the shard has a larger counter. */
  endingCounter: number | null;
  log: ShardLog;
  /** Records and bytes written in the last second (limits). */
  writes: SlidingWindow;
  /** GetRecords calls and bytes read in the last second (limits). */
  reads: SlidingWindow;
}

export interface Stream {
  name: string;
  arn: string;
  createdMs: number;
  /** Distinguishes a stream from an earlier one of the same name (stale iterators). */
  incarnation: number;
  status: StreamStatus;
  mode: StreamMode;
  retentionHours: number;
  /** Every shard, open and closed, in creation order. */
  shards: Shard[];
  /** Open shards ordered by starting hash key: the routing table of writes. */
  routing: Shard[];
  nextShardIndex: number;
  /** Last sequence counter handed out; shared by all shards so lineage stays ordered. */
  counter: number;
  tags: Map<string, string>;
  /** Epoch ms of accepted UpdateShardCount calls (rolling 24-hour quota). */
  shardCountUpdates: number[];
  /** Shard-level metrics switched on by EnableEnhancedMonitoring. */
  shardLevelMetrics: Set<string>;
}

export function isOpen(shard: Shard): boolean {
  return shard.endingCounter === null;
}

export function openShards(stream: Stream): Shard[] {
  return stream.shards.filter(isOpen);
}
