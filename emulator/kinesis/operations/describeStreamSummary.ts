import type { Operation } from '../../core/types.js';
import { STREAM_ARN, STREAM_NAME } from '../rules.js';
import type { StreamStore } from '../store.js';
import type { StreamRef } from '../streams.js';
import { findStream } from '../streams.js';
import { toStreamDescriptionSummary } from '../wire.js';

export function describeStreamSummary(store: StreamStore): Operation<StreamRef, unknown> {
  return {
    validation: { StreamName: STREAM_NAME, StreamARN: STREAM_ARN },
    handle(input) {
      return { StreamDescriptionSummary: toStreamDescriptionSummary(findStream(store, input)) };
    },
  };
}
