import type { Operation } from '../../core/types.js';
import { STREAM_ARN, STREAM_NAME, TAG_KEY } from '../rules.js';
import type { StreamStore } from '../store.js';
import type { StreamRef } from '../streams.js';
import { findStream } from '../streams.js';

interface ListTagsForStreamInput extends StreamRef {
  ExclusiveStartTagKey?: string;
  Limit?: number;
}

export function listTagsForStream(store: StreamStore): Operation<ListTagsForStreamInput, unknown> {
  return {
    validation: {
      StreamName: STREAM_NAME,
      StreamARN: STREAM_ARN,
      ExclusiveStartTagKey: TAG_KEY,
      Limit: { type: 'integer', min: 1, max: 50 },
    },
    handle(input) {
      const stream = findStream(store, input);
      const after = input.ExclusiveStartTagKey;
      const limit = input.Limit ?? 50;
      const keys = [...stream.tags.keys()].sort().filter((k) => after === undefined || k > after);
      return {
        Tags: keys.slice(0, limit).map((Key) => ({ Key, Value: stream.tags.get(Key) as string })),
        HasMoreTags: keys.length > limit,
      };
    },
  };
}
