/**
 * `npm run worker` (or `node dist/workers/main.js`): config → Temporal connection and
 * AWS clients → Worker on the task queue. Logs one line "worker ready" once it polls;
 * SIGINT/SIGTERM drain it and exit 0, a second signal exits at once. With METRICS_PORT
 * the Temporal runtime serves Prometheus metrics (its own and shardpilot's counters);
 * with WORKER_HEALTH_PORT a `/healthz` answers 200 while the worker polls. Every log line
 * (ours, the SDK's, its core's, workflows' and activities') is in LOG_FORMAT.
 */
// First: turns process warnings into log lines before any library can emit one.
import { setWarningFormat } from './process-warnings.js';
import type { Server } from 'node:http';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { loadConfigOrExit, type AppConfig, type ObservabilityConfig } from '../config/index.js';
import { DEPLOYMENT_NAME } from './build-id.js';
import { startHealthServer } from './health.js';
import { coreLogForwarding, formatLogLine, sdkLogFunction } from './logging.js';
import { createPipelineWorker } from './pipeline-worker.js';

const SDK_LOG_LEVEL: Record<AppConfig['logLevel'], LogLevel> = {
  fatal: 'ERROR', error: 'ERROR', warn: 'WARN', info: 'INFO', debug: 'DEBUG', trace: 'TRACE', silent: 'ERROR',
};

async function waitUntilPolling(isRunning: () => boolean): Promise<void> {
  while (!isRunning()) await new Promise((resolve) => setTimeout(resolve, 50));
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const observability: ObservabilityConfig = config.observability ?? { logFormat: 'json', metrics: undefined, workerHealthPort: undefined, host: '127.0.0.1' };
  setWarningFormat(observability.logFormat);
  // The worker's own lines are always shown (they say when it is ready or stopping), in the same format as the SDK's.
  const log = (message: string, meta: Record<string, unknown> = {}): void => {
    process.stdout.write(`${formatLogLine(observability.logFormat, { time: new Date(), level: 'INFO', message, meta })}\n`);
  };
  // Shutdown is ours to drive (below), so the runtime must not act on signals itself.
  Runtime.install({
    logger: new DefaultLogger(SDK_LOG_LEVEL[config.logLevel], sdkLogFunction(observability.logFormat)),
    shutdownSignals: [],
    telemetryOptions: {
      logging: coreLogForwarding(SDK_LOG_LEVEL[config.logLevel]),
      ...(observability.metrics === undefined ? {} : {
        metrics: { prometheus: { bindAddress: `${observability.metrics.host}:${observability.metrics.port}` } },
      }),
    },
  });
  const t = config.temporal;
  log(`connecting to Temporal at ${t.address} (namespace ${t.namespace}); AWS region ${config.aws.region}${config.aws.local ? ' via the local emulator' : ''}`);
  const { worker, buildId, close } = await createPipelineWorker(config);

  let health: Server | undefined;
  if (observability.workerHealthPort !== undefined) {
    health = await startHealthServer(observability.host, observability.workerHealthPort, () => worker.getState());
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting without draining`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: draining the worker`);
    worker.shutdown();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const running = worker.run();
  await Promise.race([waitUntilPolling(() => worker.getState() === 'RUNNING'), running]);
  if (worker.getState() === 'RUNNING') {
    const derived = config.buildId ? '' : ', build id derived from the workflow bundle';
    log(`worker ready: polling task queue ${t.taskQueue} as build ${buildId} (Worker Deployment ${DEPLOYMENT_NAME}${derived})`, {
      taskQueue: t.taskQueue,
      buildId,
      ...(observability.metrics ? { metrics: `http://${observability.metrics.host}:${observability.metrics.port}/metrics` } : {}),
    });
  }
  try {
    await running;
  } finally {
    health?.close();
    await close();
  }
  log('worker stopped');
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
