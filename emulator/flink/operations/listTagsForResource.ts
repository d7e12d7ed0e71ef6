import type { Operation } from '../../core/types.js';
import type { FlinkEngine } from '../engine.js';
import { assertInput } from '../input.js';
import { findApplicationByArn, RESOURCE_ARN } from '../tags.js';
import type { WireTag } from '../tags.js';

export function listTagsForResource(engine: FlinkEngine): Operation<{ ResourceARN: string }, { Tags: WireTag[] }> {
  return {
    handle(input, ctx) {
      assertInput(input, { ResourceARN: RESOURCE_ARN });
      engine.advance(ctx.nowMs);
      const app = findApplicationByArn(engine, input.ResourceARN, ctx.accountId);
      return { Tags: app.tags.map((tag) => ({ ...tag })) };
    },
  };
}
