import type { Operation } from '../../core/types.js';
import { versionFromUpdate, type WireConfigurationUpdate } from '../configuration.js';
import { applicationDetail } from '../describe.js';
import type { FlinkEngine } from '../engine.js';
import { resourceInUse } from '../errors.js';
import { APPLICATION_NAME, assertCurrentVersion, assertInput, findApplication } from '../input.js';
import { RUNTIMES } from './createApplication.js';

interface UpdateApplicationInput {
  ApplicationName: string;
  CurrentApplicationVersionId?: number;
  ConditionalToken?: string;
  ApplicationConfigurationUpdate?: WireConfigurationUpdate;
  ServiceExecutionRoleUpdate?: string;
  RuntimeEnvironmentUpdate?: string;
  RunConfigurationUpdate?: unknown;
}

export function updateApplication(engine: FlinkEngine): Operation<UpdateApplicationInput, unknown> {
  return {
    handle(input, ctx) {
      assertInput(input, {
        ApplicationName: APPLICATION_NAME,
        CurrentApplicationVersionId: { type: 'integer', min: 1, max: 999999999 },
        ConditionalToken: { type: 'string', minLength: 1, maxLength: 512, pattern: '[a-zA-Z0-9-_+/=]+' },
        ApplicationConfigurationUpdate: { type: 'object' },
        ServiceExecutionRoleUpdate: { type: 'string', minLength: 1, maxLength: 2048, pattern: 'arn:.*' },
        RuntimeEnvironmentUpdate: { type: 'string', enum: RUNTIMES },
        RunConfigurationUpdate: { type: 'object' },
      });
      engine.advance(ctx.nowMs);
      const app = findApplication(engine, input.ApplicationName, ctx.accountId);
      assertCurrentVersion(app, input.CurrentApplicationVersionId, input.ConditionalToken);
      if (app.status !== 'READY' && app.status !== 'RUNNING') {
        throw resourceInUse(`Application ${app.name} is in ${app.status} status. UpdateApplication requires the application to be in READY or RUNNING status.`);
      }
      const version = versionFromUpdate(
        app.current,
        {
          ...(input.ApplicationConfigurationUpdate ? { configuration: input.ApplicationConfigurationUpdate } : {}),
          ...(input.ServiceExecutionRoleUpdate ? { serviceExecutionRole: input.ServiceExecutionRoleUpdate } : {}),
          ...(input.RuntimeEnvironmentUpdate ? { runtime: input.RuntimeEnvironmentUpdate } : {}),
        },
        app.current.versionId + 1,
        ctx.nowMs,
        engine.deps.config.maxKpus,
      );
      if (app.status === 'RUNNING') {
        const op = engine.updateRunning(app, version, ctx.nowMs);
        return { ApplicationDetail: applicationDetail(app), OperationId: op.id };
      }
      // A stopped application takes the new version at once; the next start runs it.
      const from = app.current.versionId;
      engine.installVersion(app, version, ctx.nowMs);
      app.versionUpdatedFrom = from;
      app.currentParallelism = version.parallelism.parallelism;
      const op = engine.beginOperation(app, 'UpdateApplication', ctx.nowMs, { from, to: version.versionId });
      op.status = 'SUCCESSFUL';
      op.endMs = ctx.nowMs;
      return { ApplicationDetail: applicationDetail(app), OperationId: op.id };
    },
  };
}
