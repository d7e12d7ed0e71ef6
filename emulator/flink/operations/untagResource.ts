import type { Operation } from '../../core/types.js';
import type { FlinkEngine } from '../engine.js';
import { assertInput } from '../input.js';
import { assertTagKeys, findApplicationByArn, RESOURCE_ARN } from '../tags.js';

export function untagResource(engine: FlinkEngine): Operation<{ ResourceARN: string; TagKeys: string[] }, Record<string, never>> {
  return {
    handle(input, ctx) {
      assertInput(input, { ResourceARN: RESOURCE_ARN, TagKeys: { type: 'array', required: true, minItems: 1, maxItems: 200 } });
      const keys = new Set(assertTagKeys(input.TagKeys));
      engine.advance(ctx.nowMs);
      const app = findApplicationByArn(engine, input.ResourceARN, ctx.accountId);
      // Keys the application does not carry are ignored.
      app.tags = app.tags.filter((tag) => !keys.has(tag.Key));
      return {};
    },
  };
}
