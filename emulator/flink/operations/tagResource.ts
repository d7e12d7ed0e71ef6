import type { Operation } from '../../core/types.js';
import type { FlinkEngine } from '../engine.js';
import { assertInput } from '../input.js';
import { assertTags, findApplicationByArn, mergeTags, RESOURCE_ARN, TAG_LIST } from '../tags.js';
import type { WireTag } from '../tags.js';

export function tagResource(engine: FlinkEngine): Operation<{ ResourceARN: string; Tags: WireTag[] }, Record<string, never>> {
  return {
    handle(input, ctx) {
      assertInput(input, { ResourceARN: RESOURCE_ARN, Tags: { ...TAG_LIST, required: true } });
      const tags = assertTags(input.Tags, 'tags');
      engine.advance(ctx.nowMs);
      const app = findApplicationByArn(engine, input.ResourceARN, ctx.accountId);
      app.tags = mergeTags(app.tags, tags, app.name);
      return {};
    },
  };
}
