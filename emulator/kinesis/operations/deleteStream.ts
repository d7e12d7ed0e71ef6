import type { Operation } from '../../core/types.js';
import { streamNotActive } from '../errors.js';
import { STREAM_ARN, STREAM_NAME } from '../rules.js';
import type { StreamStore } from '../store.js';
import type { StreamRef } from '../streams.js';
import { findStream } from '../streams.js';

interface DeleteStreamInput extends StreamRef {
  EnforceConsumerDeletion?: boolean;
}

export function deleteStream(store: StreamStore): Operation<DeleteStreamInput, Record<string, never>> {
  return {
    validation: { StreamName: STREAM_NAME, StreamARN: STREAM_ARN, EnforceConsumerDeletion: { type: 'boolean' } },
    handle(input) {
      const stream = findStream(store, input);
      // A stream that is still being created cannot be deleted yet; deleting twice is harmless.
      if (stream.status === 'CREATING') throw streamNotActive(stream.name, store.accountId, stream.status);
      if (stream.status !== 'DELETING') store.delete(stream);
      return {};
    },
  };
}
