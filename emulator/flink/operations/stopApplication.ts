import type { Operation } from '../../core/types.js';
import type { FlinkEngine } from '../engine.js';
import { resourceInUse } from '../errors.js';
import { APPLICATION_NAME, assertInput, findApplication } from '../input.js';
import type { ApplicationStatus } from '../model.js';

/** A forced stop also interrupts a start, an update or a rollback (e.g. one that is stuck). */
const FORCE_STOPPABLE: ReadonlySet<ApplicationStatus> = new Set(['STARTING', 'RUNNING', 'UPDATING', 'AUTOSCALING', 'ROLLING_BACK', 'STOPPING']);

export function stopApplication(engine: FlinkEngine): Operation<{ ApplicationName: string; Force?: boolean }, unknown> {
  return {
    handle(input, ctx) {
      assertInput(input, { ApplicationName: APPLICATION_NAME, Force: { type: 'boolean' } });
      engine.advance(ctx.nowMs);
      const app = findApplication(engine, input.ApplicationName, ctx.accountId);
      const force = input.Force === true;
      if (force ? !FORCE_STOPPABLE.has(app.status) : app.status !== 'RUNNING') {
        throw resourceInUse(
          `Application ${app.name} is in ${app.status} status. StopApplication${force ? ' with Force' : ''} requires the application to be in ${force ? 'STARTING, RUNNING, UPDATING, AUTOSCALING or ROLLING_BACK' : 'RUNNING'} status.`,
        );
      }
      return { OperationId: engine.stop(app, force, ctx.nowMs).id };
    },
  };
}
