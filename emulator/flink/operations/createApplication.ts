import type { Operation } from '../../core/types.js';
import { versionFromCreate, type WireApplicationConfiguration } from '../configuration.js';
import { applicationDetail } from '../describe.js';
import { newToken, type FlinkEngine } from '../engine.js';
import { invalidArgument, limitExceeded, resourceInUse } from '../errors.js';
import { APPLICATION_NAME, assertInput } from '../input.js';
import type { Application } from '../model.js';
import { assertTags, mergeTags, TAG_LIST } from '../tags.js';

interface CreateApplicationInput {
  ApplicationName: string;
  ApplicationDescription?: string;
  RuntimeEnvironment: string;
  ServiceExecutionRole: string;
  ApplicationConfiguration?: WireApplicationConfiguration;
  Tags?: { Key: string; Value?: string }[];
  ApplicationMode?: string;
}

export const RUNTIMES = ['FLINK-1_6', 'FLINK-1_8', 'FLINK-1_11', 'FLINK-1_13', 'FLINK-1_15', 'FLINK-1_18', 'FLINK-1_19', 'FLINK-1_20', 'FLINK-2_2', 'FLINK-2_3'];

export function createApplication(engine: FlinkEngine): Operation<CreateApplicationInput, unknown> {
  return {
    handle(input, ctx) {
      assertInput(input, {
        ApplicationName: APPLICATION_NAME,
        ApplicationDescription: { type: 'string', maxLength: 1024 },
        RuntimeEnvironment: { type: 'string', required: true, enum: RUNTIMES },
        ServiceExecutionRole: { type: 'string', required: true, minLength: 1, maxLength: 2048, pattern: 'arn:.*' },
        ApplicationConfiguration: { type: 'object' },
        Tags: TAG_LIST,
        ApplicationMode: { type: 'string', enum: ['STREAMING', 'INTERACTIVE'] },
      });
      const tags = mergeTags([], assertTags(input.Tags ?? [], 'tags'), input.ApplicationName);
      if (input.ApplicationMode === 'INTERACTIVE') throw invalidArgument('Only STREAMING applications are supported by Apache Flink runtimes.');
      engine.advance(ctx.nowMs);
      if (engine.apps.has(input.ApplicationName)) throw resourceInUse(`Application ${input.ApplicationName} already exists.`);
      const quota = engine.deps.config.maxApplications;
      if (quota !== null && engine.apps.size >= quota) {
        throw limitExceeded(`Number of applications in account ${ctx.accountId} in ${ctx.region} has reached the limit of ${quota}.`);
      }
      const version = versionFromCreate(
        { description: input.ApplicationDescription ?? '', runtime: input.RuntimeEnvironment, serviceExecutionRole: input.ServiceExecutionRole },
        input.ApplicationConfiguration,
        ctx.nowMs,
        engine.deps.config.maxKpus,
      );
      const app: Application = {
        name: input.ApplicationName,
        arn: `arn:aws:kinesisanalytics:${ctx.region}:${ctx.accountId}:application/${input.ApplicationName}`,
        createMs: ctx.nowMs,
        lastUpdateMs: ctx.nowMs,
        status: 'READY',
        current: version,
        previous: [],
        currentParallelism: version.parallelism.parallelism,
        conditionalToken: newToken(),
        pending: null,
        operations: [],
        runner: null,
        snapshot: null,
        faults: { stuckOnNextUpdate: false, unhealthyAfterNextUpdate: false, unhealthy: false },
        autoscaling: { highCpuSamples: 0, lowCpuSamples: 0 },
        tags,
      };
      engine.apps.set(app.name, app);
      return { ApplicationDetail: applicationDetail(app) };
    },
  };
}
