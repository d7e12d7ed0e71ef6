import { checkField, validationError } from '../../core/validation.js';
import type { Operation } from '../../core/types.js';
import { invalidArgument } from '../errors.js';
import { STREAM_ARN, STREAM_NAME, TAG_KEY } from '../rules.js';
import type { StreamStore } from '../store.js';
import type { StreamRef } from '../streams.js';
import { findStream } from '../streams.js';

/** AWS's limit of tags per stream. */
const MAX_TAGS = 50;

interface AddTagsToStreamInput extends StreamRef {
  Tags: Record<string, string>;
}

export function addTagsToStream(store: StreamStore): Operation<AddTagsToStreamInput, Record<string, never>> {
  return {
    validation: {
      Tags: { type: 'object', required: true },
      StreamName: STREAM_NAME,
      StreamARN: STREAM_ARN,
    },
    handle(input) {
      const entries = Object.entries(input.Tags);
      if (entries.length < 1 || entries.length > 10) {
        throw validationError([
          `Value '${JSON.stringify(input.Tags)}' at 'tags' failed to satisfy constraint: Member must have length ${entries.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 10'}`,
        ]);
      }
      const problems = entries.flatMap(([key, value]) => [
        ...checkField(key, TAG_KEY, 'tags.key'),
        ...checkField(value, { type: 'string', maxLength: 256 }, `tags.${key}.member`),
      ]);
      if (problems.length > 0) throw validationError(problems);
      const stream = findStream(store, input);
      const merged = new Map(stream.tags);
      for (const [key, value] of entries) merged.set(key, value);
      if (merged.size > MAX_TAGS) {
        throw invalidArgument(`Failed to add tags to stream ${stream.name} under account ${store.accountId} because a given stream cannot have more than ${MAX_TAGS} tags.`);
      }
      stream.tags = merged;
      return {};
    },
  };
}
