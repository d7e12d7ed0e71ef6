import type { Operation } from '../../core/types.js';
import { invalidArgument, shardNotFound, streamNotFound } from '../errors.js';
import { encodeIterator } from '../iterators.js';
import type { Shard, Stream } from '../model.js';
import { SEQUENCE_NUMBER, SHARD_ID, STREAM_ARN, STREAM_NAME } from '../rules.js';
import { parseSequenceNumber } from '../sequenceNumbers.js';
import type { StreamStore } from '../store.js';
import type { StreamRef } from '../streams.js';
import { findStream } from '../streams.js';

const ITERATOR_TYPES = ['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER', 'TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'] as const;
type IteratorType = (typeof ITERATOR_TYPES)[number];

interface GetShardIteratorInput extends StreamRef {
  ShardId: string;
  ShardIteratorType: IteratorType;
  StartingSequenceNumber?: string;
  /** Epoch seconds. */
  Timestamp?: number;
}

function sequencePosition(shard: Shard, type: IteratorType, text: string | undefined): number {
  if (text === undefined) {
    throw invalidArgument(
      'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
        `(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ${type} and no StartingSequenceNumber.`,
    );
  }
  const parsed = parseSequenceNumber(text);
  if (parsed === null) throw invalidArgument(`StartingSequenceNumber ${text} used in GetShardIterator on shard ${shard.id} is invalid.`);
  if (parsed.shardIndex !== shard.index) {
    const encoded = `shardId-${String(parsed.shardIndex).padStart(12, '0')}`;
    throw invalidArgument(
      `Invalid StartingSequenceNumber. It encodes ${encoded}, while it was used in a call to a shard with ${shard.id}`,
    );
  }
  return type === 'AT_SEQUENCE_NUMBER' ? parsed.counter : parsed.counter + 1;
}

/** Counter of the first record the new iterator returns. */
function startPosition(stream: Stream, shard: Shard, input: GetShardIteratorInput, nowMs: number): number {
  const type = input.ShardIteratorType;
  if ((type === 'TRIM_HORIZON' || type === 'LATEST') && input.StartingSequenceNumber !== undefined) {
    throw invalidArgument(
      'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
        `(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ${type} and also StartingSequenceNumber.`,
    );
  }
  switch (type) {
    case 'TRIM_HORIZON':
      return 0;
    case 'LATEST':
      return (shard.endingCounter ?? stream.counter) + 1;
    case 'AT_SEQUENCE_NUMBER':
    case 'AFTER_SEQUENCE_NUMBER':
      return sequencePosition(shard, type, input.StartingSequenceNumber);
    case 'AT_TIMESTAMP': {
      if (input.Timestamp === undefined) {
        throw invalidArgument(
          'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.',
        );
      }
      const atMs = input.Timestamp * 1000;
      if (atMs > nowMs) {
        throw invalidArgument(
          `The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${Math.round(atMs)}, currentTimestampInMillis: ${nowMs}`,
        );
      }
      return shard.log.counterAtOrAfterTime(atMs) ?? (shard.endingCounter ?? stream.counter) + 1;
    }
  }
}

export function getShardIterator(store: StreamStore): Operation<GetShardIteratorInput, unknown> {
  return {
    validation: {
      StreamName: STREAM_NAME,
      StreamARN: STREAM_ARN,
      ShardId: { ...SHARD_ID, required: true },
      ShardIteratorType: { type: 'string', required: true, enum: ITERATOR_TYPES },
      StartingSequenceNumber: SEQUENCE_NUMBER,
      Timestamp: { type: 'timestamp' },
    },
    handle(input, ctx) {
      const stream = findStream(store, input);
      if (stream.status !== 'ACTIVE' && stream.status !== 'UPDATING') throw streamNotFound(stream.name, ctx.accountId);
      const shard = stream.shards.find((s) => s.id === input.ShardId);
      if (shard === undefined) throw shardNotFound(input.ShardId, stream.name, ctx.accountId);
      const position = startPosition(stream, shard, input, ctx.nowMs);
      return {
        ShardIterator: encodeIterator({
          streamName: stream.name,
          incarnation: stream.incarnation,
          shardIndex: shard.index,
          position,
          issuedMs: ctx.nowMs,
        }),
      };
    },
  };
}
