/**
 * `npm run worker`: config → Temporal connection and AWS clients → Worker on the task
 * queue. Prints "worker ready" once it polls; SIGINT/SIGTERM drain it and exit 0, a
 * second signal exits at once.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { loadConfigOrExit, type AppConfig } from '../config/index.js';
import { createPipelineWorker } from './pipeline-worker.js';

const SDK_LOG_LEVEL: Record<AppConfig['logLevel'], LogLevel> = {
  fatal: 'ERROR', error: 'ERROR', warn: 'WARN', info: 'INFO', debug: 'DEBUG', trace: 'TRACE', silent: 'ERROR',
};

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

async function waitUntilPolling(isRunning: () => boolean): Promise<void> {
  while (!isRunning()) await new Promise((resolve) => setTimeout(resolve, 50));
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  // Shutdown is ours to drive (below), so the runtime must not act on signals itself.
  Runtime.install({ logger: new DefaultLogger(SDK_LOG_LEVEL[config.logLevel]), shutdownSignals: [] });
  const t = config.temporal;
  log(`connecting to Temporal at ${t.address} (namespace ${t.namespace}); AWS region ${config.aws.region}${config.aws.local ? ' via the local emulator' : ''}`);
  const { worker, close } = await createPipelineWorker(config);

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
  if (worker.getState() === 'RUNNING') log(`worker ready: polling task queue ${t.taskQueue}`);
  try {
    await running;
  } finally {
    await close();
  }
  log('worker stopped');
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
