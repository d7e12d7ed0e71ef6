import type { Operation } from '../../core/types.js';
import type { FlinkEngine } from '../engine.js';
import { invalidArgument, resourceInUse } from '../errors.js';
import { APPLICATION_NAME, assertInput, findApplication } from '../input.js';
import type { ApplicationStatus } from '../model.js';

const DELETABLE: ReadonlySet<ApplicationStatus> = new Set(['READY', 'RUNNING']);

export function deleteApplication(engine: FlinkEngine): Operation<{ ApplicationName: string; CreateTimestamp: number }, unknown> {
  return {
    handle(input, ctx) {
      assertInput(input, { ApplicationName: APPLICATION_NAME, CreateTimestamp: { type: 'timestamp', required: true } });
      engine.advance(ctx.nowMs);
      const app = findApplication(engine, input.ApplicationName, ctx.accountId);
      // The create timestamp guards against deleting a namesake created after the caller looked.
      if (Math.round(input.CreateTimestamp * 1000) !== app.createMs) {
        throw invalidArgument(`Provided CreateTimestamp does not match the create timestamp of application ${app.name}.`);
      }
      if (!DELETABLE.has(app.status)) {
        throw resourceInUse(`Application ${app.name} is in ${app.status} status. DeleteApplication requires the application to be in READY or RUNNING status.`);
      }
      engine.delete(app, ctx.nowMs);
      return {};
    },
  };
}
