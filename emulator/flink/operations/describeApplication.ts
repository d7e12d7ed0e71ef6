import type { Operation } from '../../core/types.js';
import { applicationDetail } from '../describe.js';
import type { FlinkEngine } from '../engine.js';
import { APPLICATION_NAME, assertInput, findApplication } from '../input.js';

export function describeApplication(engine: FlinkEngine): Operation<{ ApplicationName: string; IncludeAdditionalDetails?: boolean }, unknown> {
  return {
    handle(input, ctx) {
      assertInput(input, { ApplicationName: APPLICATION_NAME, IncludeAdditionalDetails: { type: 'boolean' } });
      engine.advance(ctx.nowMs);
      return { ApplicationDetail: applicationDetail(findApplication(engine, input.ApplicationName, ctx.accountId)) };
    },
  };
}
