import { checkField, validationError } from '../../core/validation.js';
import type { Operation } from '../../core/types.js';
import { invalidArgument } from '../errors.js';
import { STREAM_ARN, STREAM_NAME, TAG_KEY } from '../rules.js';
import type { StreamStore } from '../store.js';
import type { StreamRef } from '../streams.js';
import { findStream } from '../streams.js';

interface RemoveTagsFromStreamInput extends StreamRef {
  TagKeys: string[];
}

/** Characters AWS accepts in tag keys: Unicode letters, digits, white space and `_ . / = + - % @ :`. */
const TAG_KEY_CHARACTERS = /^[\p{L}\p{N}\s_./=+\-%@:]*$/u;

export function removeTagsFromStream(store: StreamStore): Operation<RemoveTagsFromStreamInput, Record<string, never>> {
  return {
    validation: {
      TagKeys: { type: 'array', required: true, minItems: 1, maxItems: 50 },
      StreamName: STREAM_NAME,
      StreamARN: STREAM_ARN,
    },
    handle(input) {
      const problems = input.TagKeys.flatMap((key, i) => checkField(key, { ...TAG_KEY, required: true }, `tagKeys.${i + 1}.member`));
      if (problems.length > 0) throw validationError(problems);
      const stream = findStream(store, input);
      if (!input.TagKeys.every((key) => TAG_KEY_CHARACTERS.test(key))) {
        throw invalidArgument('Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @ :.');
      }
      // Keys the stream does not carry are ignored, as on AWS.
      for (const key of input.TagKeys) stream.tags.delete(key);
      return {};
    },
  };
}
