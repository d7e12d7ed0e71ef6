import type { Operation } from '../../core/types.js';
import { applicationDetail } from '../describe.js';
import type { FlinkEngine } from '../engine.js';
import { invalidRequest, resourceInUse } from '../errors.js';
import { APPLICATION_NAME, assertCurrentVersion, assertInput, findApplication } from '../input.js';
import type { ApplicationStatus } from '../model.js';

const ROLLBACKABLE: ReadonlySet<ApplicationStatus> = new Set(['RUNNING', 'UPDATING', 'AUTOSCALING']);

export function rollbackApplication(engine: FlinkEngine): Operation<{ ApplicationName: string; CurrentApplicationVersionId: number }, unknown> {
  return {
    handle(input, ctx) {
      assertInput(input, {
        ApplicationName: APPLICATION_NAME,
        CurrentApplicationVersionId: { type: 'integer', required: true, min: 1, max: 999999999 },
      });
      engine.advance(ctx.nowMs);
      const app = findApplication(engine, input.ApplicationName, ctx.accountId);
      assertCurrentVersion(app, input.CurrentApplicationVersionId, undefined);
      if (!ROLLBACKABLE.has(app.status)) {
        throw resourceInUse(`Application ${app.name} is in ${app.status} status. RollbackApplication requires the application to be in RUNNING, UPDATING or AUTOSCALING status.`);
      }
      const previous = app.previous[app.previous.length - 1];
      if (!previous) throw invalidRequest(`Application ${app.name} has no previous version to roll back to.`);
      const op = engine.rollback(app, previous, ctx.nowMs);
      return { ApplicationDetail: applicationDetail(app), OperationId: op.id };
    },
  };
}
