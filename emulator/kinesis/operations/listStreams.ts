import type { Operation } from '../../core/types.js';
import { invalidArgument } from '../errors.js';
import { STREAM_NAME } from '../rules.js';
import type { StreamStore } from '../store.js';
import { toStreamSummary } from '../wire.js';

interface ListStreamsInput {
  Limit?: number;
  ExclusiveStartStreamName?: string;
  NextToken?: string;
}

function decodeToken(token: string): string {
  const name = Buffer.from(token, 'base64').toString('utf8');
  if (!name.startsWith('streams:')) throw invalidArgument('Invalid NextToken.');
  return name.slice('streams:'.length);
}

export function listStreams(store: StreamStore): Operation<ListStreamsInput, unknown> {
  return {
    validation: {
      Limit: { type: 'integer', min: 1, max: 10000 },
      ExclusiveStartStreamName: STREAM_NAME,
      NextToken: { type: 'string', minLength: 1, maxLength: 1048576 },
    },
    handle(input) {
      const after = input.NextToken === undefined ? input.ExclusiveStartStreamName : decodeToken(input.NextToken);
      const limit = input.Limit ?? 100;
      const remaining = store.list().filter((s) => after === undefined || s.name > after);
      const page = remaining.slice(0, limit);
      const hasMore = remaining.length > limit;
      const last = page[page.length - 1];
      return {
        StreamNames: page.map((s) => s.name),
        HasMoreStreams: hasMore,
        StreamSummaries: page.map(toStreamSummary),
        ...(hasMore && last ? { NextToken: Buffer.from(`streams:${last.name}`).toString('base64') } : {}),
      };
    },
  };
}
