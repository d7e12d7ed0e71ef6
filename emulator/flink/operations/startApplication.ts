import type { Operation } from '../../core/types.js';
import type { FlinkEngine } from '../engine.js';
import { resourceInUse } from '../errors.js';
import { APPLICATION_NAME, assertInput, findApplication } from '../input.js';

interface StartApplicationInput {
  ApplicationName: string;
  RunConfiguration?: { ApplicationRestoreConfiguration?: { ApplicationRestoreType?: string; SnapshotName?: string } };
}

export function startApplication(engine: FlinkEngine): Operation<StartApplicationInput, unknown> {
  return {
    handle(input, ctx) {
      assertInput(input, { ApplicationName: APPLICATION_NAME, RunConfiguration: { type: 'object' } });
      engine.advance(ctx.nowMs);
      const app = findApplication(engine, input.ApplicationName, ctx.accountId);
      if (app.status !== 'READY') {
        throw resourceInUse(`Application ${app.name} is in ${app.status} status. StartApplication requires the application to be in READY status.`);
      }
      const restoreType = input.RunConfiguration?.ApplicationRestoreConfiguration?.ApplicationRestoreType;
      const op = engine.start(app, ctx.nowMs, restoreType === 'SKIP_RESTORE_FROM_SNAPSHOT');
      return { OperationId: op.id };
    },
  };
}
