/**
 * The emulated Managed Service for Apache Flink (`KinesisAnalytics_20180523`, JSON 1.1,
 * errors with `Message`), running a simulated taxi job for each live application.
 */
import type { FlinkOptions } from '../config.js';
import type { Clock, MetricSink, Operation, ServiceModule, StreamReader } from '../core/types.js';
import { flinkAdminRoutes } from './admin.js';
import { FlinkEngine } from './engine.js';
import { describeApplicationOperation, listApplicationOperations } from './operations/applicationOperations.js';
import { createApplication } from './operations/createApplication.js';
import { deleteApplication } from './operations/deleteApplication.js';
import { describeApplication } from './operations/describeApplication.js';
import { listApplications } from './operations/listApplications.js';
import { listTagsForResource } from './operations/listTagsForResource.js';
import { rollbackApplication } from './operations/rollbackApplication.js';
import { startApplication } from './operations/startApplication.js';
import { stopApplication } from './operations/stopApplication.js';
import { tagResource } from './operations/tagResource.js';
import { untagResource } from './operations/untagResource.js';
import { updateApplication } from './operations/updateApplication.js';

export interface FlinkServiceDeps {
  config: FlinkOptions;
  metrics: MetricSink;
  streams: StreamReader;
  clock?: Clock;
  /**
   * Drive the job with a timer every `config.jobTickMs` (default). Tests that want full
   * control pass false and call `tick()` themselves.
   */
  autoTick?: boolean;
}

export interface FlinkService extends ServiceModule {
  /** Completes due transitions, runs one job step for every live application and publishes its metrics. */
  tick(): void;
}

export function createFlinkService(deps: FlinkServiceDeps): FlinkService {
  const clock = deps.clock ?? { nowMs: () => Date.now() };
  const engine = new FlinkEngine({ config: deps.config, metrics: deps.metrics, streams: deps.streams, clock });
  const tick = () => engine.tick(clock.nowMs());
  let timer: NodeJS.Timeout | null = null;
  if (deps.autoTick !== false) {
    // A failing tick must not take the whole emulator down; the next tick tries again.
    timer = setInterval(() => {
      try {
        tick();
      } catch (err) {
        process.stderr.write(`flink emulator: job tick failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      }
    }, deps.config.jobTickMs);
    timer.unref();
  }
  const operations: Record<string, Operation<never, unknown>> = {
    CreateApplication: createApplication(engine),
    DescribeApplication: describeApplication(engine),
    ListApplications: listApplications(engine),
    StartApplication: startApplication(engine),
    StopApplication: stopApplication(engine),
    UpdateApplication: updateApplication(engine),
    RollbackApplication: rollbackApplication(engine),
    DeleteApplication: deleteApplication(engine),
    ListApplicationOperations: listApplicationOperations(engine),
    DescribeApplicationOperation: describeApplicationOperation(engine),
    TagResource: tagResource(engine),
    UntagResource: untagResource(engine),
    ListTagsForResource: listTagsForResource(engine),
  } as Record<string, Operation<never, unknown>>;
  return {
    targetPrefix: 'KinesisAnalytics_20180523',
    contentType: 'application/x-amz-json-1.1',
    errorMessageKey: 'Message',
    operations,
    adminRoutes: flinkAdminRoutes(engine),
    tick,
    reset() {
      engine.apps.clear();
    },
    close() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
