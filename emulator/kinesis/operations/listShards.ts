import type { Operation } from '../../core/types.js';
import { invalidArgument } from '../errors.js';
import type { Shard } from '../model.js';
import { isOpen } from '../model.js';
import { SHARD_ID, STREAM_ARN, STREAM_NAME } from '../rules.js';
import type { StreamStore } from '../store.js';
import type { StreamRef } from '../streams.js';
import { findStream } from '../streams.js';
import { toWireShard } from '../wire.js';

type ShardFilterType =
  | 'AFTER_SHARD_ID'
  | 'AT_TRIM_HORIZON'
  | 'FROM_TRIM_HORIZON'
  | 'AT_LATEST'
  | 'AT_TIMESTAMP'
  | 'FROM_TIMESTAMP';

interface ListShardsInput extends StreamRef {
  NextToken?: string;
  ExclusiveStartShardId?: string;
  MaxResults?: number;
  StreamCreationTimestamp?: number;
  ShardFilter?: { Type: ShardFilterType; ShardId?: string; Timestamp?: number };
}

interface PageToken {
  stream: string;
  after: string;
  filter: ListShardsInput['ShardFilter'] | null;
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64');
}

function decodeToken(text: string): PageToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as PageToken;
    if (typeof token.stream === 'string' && typeof token.after === 'string') return token;
  } catch {
    // fall through to AWS's answer for a token it did not issue
  }
  throw invalidArgument('Invalid NextToken.');
}

function matchesFilter(shard: Shard, filter: ListShardsInput['ShardFilter'] | null): boolean {
  if (filter === null || filter === undefined) return true;
  switch (filter.Type) {
    case 'AT_LATEST':
      return isOpen(shard);
    case 'AFTER_SHARD_ID':
      return filter.ShardId === undefined || shard.id > filter.ShardId;
    default:
      // Nothing is ever trimmed out of the shard list, so the horizon/timestamp filters list every shard.
      return true;
  }
}

export function listShards(store: StreamStore): Operation<ListShardsInput, unknown> {
  return {
    validation: {
      StreamName: STREAM_NAME,
      StreamARN: STREAM_ARN,
      NextToken: { type: 'string', minLength: 1, maxLength: 1048576 },
      ExclusiveStartShardId: SHARD_ID,
      MaxResults: { type: 'integer', min: 1, max: 10000 },
      StreamCreationTimestamp: { type: 'timestamp' },
      ShardFilter: { type: 'object' },
    },
    handle(input) {
      let name: string | undefined;
      let after: string | undefined;
      let filter: ListShardsInput['ShardFilter'] | null;
      if (input.NextToken !== undefined) {
        if (input.StreamName !== undefined || input.StreamARN !== undefined) {
          throw invalidArgument('NextToken and StreamName cannot be provided together.');
        }
        const token = decodeToken(input.NextToken);
        name = token.stream;
        after = token.after;
        filter = token.filter;
      } else {
        filter = input.ShardFilter ?? null;
        after = input.ExclusiveStartShardId;
      }
      const stream = name === undefined ? findStream(store, input) : store.get(name);
      const limit = input.MaxResults ?? 1000;
      const remaining = stream.shards.filter((s) => (after === undefined || s.id > after) && matchesFilter(s, filter));
      const page = remaining.slice(0, limit);
      const last = page[page.length - 1];
      return {
        Shards: page.map(toWireShard),
        ...(remaining.length > limit && last
          ? { NextToken: encodeToken({ stream: stream.name, after: last.id, filter }) }
          : {}),
      };
    },
  };
}
