/**
 * AWS's response shapes for Kinesis, built from the internal model. Timestamps are
 * epoch seconds; hash keys are decimal strings.
 */
import { hexToDecimal } from './hashKeys.js';
import type { Shard, Stream } from './model.js';
import { openShards } from './model.js';
import { formatSequenceNumber } from './sequenceNumbers.js';

export interface WireShard {
  ShardId: string;
  ParentShardId?: string;
  AdjacentParentShardId?: string;
  HashKeyRange: { StartingHashKey: string; EndingHashKey: string };
  SequenceNumberRange: { StartingSequenceNumber: string; EndingSequenceNumber?: string };
}

export interface WireChildShard {
  ShardId: string;
  ParentShards: string[];
  HashKeyRange: { StartingHashKey: string; EndingHashKey: string };
}

export interface WireStreamSummary {
  StreamName: string;
  StreamARN: string;
  StreamStatus: string;
  StreamModeDetails: { StreamMode: string };
  StreamCreationTimestamp: number;
}

export function hashKeyRange(shard: Shard): WireShard['HashKeyRange'] {
  return { StartingHashKey: hexToDecimal(shard.startHex), EndingHashKey: hexToDecimal(shard.endHex) };
}

export function toWireShard(shard: Shard): WireShard {
  return {
    ShardId: shard.id,
    ...(shard.parentShardId === null ? {} : { ParentShardId: shard.parentShardId }),
    ...(shard.adjacentParentShardId === null ? {} : { AdjacentParentShardId: shard.adjacentParentShardId }),
    HashKeyRange: hashKeyRange(shard),
    SequenceNumberRange: {
      StartingSequenceNumber: formatSequenceNumber(shard.startingCounter, shard.index),
      ...(shard.endingCounter === null
        ? {}
        : { EndingSequenceNumber: formatSequenceNumber(shard.endingCounter, shard.index) }),
    },
  };
}

/** The shards opened from `parent` by resharding, as GetRecords reports them at its end. */
export function childShardsOf(stream: Stream, parent: Shard): WireChildShard[] {
  return stream.shards
    .filter((s) => s.parentShardId === parent.id || s.adjacentParentShardId === parent.id)
    .map((child) => ({
      ShardId: child.id,
      ParentShards: [child.parentShardId, child.adjacentParentShardId].filter((id): id is string => id !== null),
      HashKeyRange: hashKeyRange(child),
    }));
}

export function toStreamSummary(stream: Stream): WireStreamSummary {
  return {
    StreamName: stream.name,
    StreamARN: stream.arn,
    StreamStatus: stream.status,
    StreamModeDetails: { StreamMode: stream.mode },
    StreamCreationTimestamp: stream.createdMs / 1000,
  };
}

export function toStreamDescriptionSummary(stream: Stream): Record<string, unknown> {
  return {
    ...toStreamSummary(stream),
    RetentionPeriodHours: stream.retentionHours,
    EnhancedMonitoring: [{ ShardLevelMetrics: [...stream.shardLevelMetrics] }],
    EncryptionType: 'NONE',
    OpenShardCount: openShards(stream).length,
    ConsumerCount: 0,
  };
}
