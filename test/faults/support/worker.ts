/**
 * The fault suite's worker process: the production worker (`createPipelineWorker`, same
 * config, activities and options) with the workflow bundle built once beforehand
 * (FAULTS_WORKFLOW_BUNDLE), because the suite kills and replaces it dozens of times and
 * bundling at each start would cost half a minute on this machine. Prints
 * `worker ready pid=<pid>` once it polls; the pid is in its Temporal identity.
 */
import { readFileSync } from 'node:fs';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfigOrExit } from '../../../config/index.js';
import { createPipelineWorker } from '../../../workers/pipeline-worker.js';

const bundlePath = process.env.FAULTS_WORKFLOW_BUNDLE;
if (!bundlePath) throw new Error('FAULTS_WORKFLOW_BUNDLE must name the prebuilt workflow bundle');
const config = loadConfigOrExit();
Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
const { worker, close } = await createPipelineWorker(config, readFileSync(bundlePath, 'utf8'));
const running = worker.run();
while (worker.getState() !== 'RUNNING') {
  if (worker.getState() === 'FAILED' || worker.getState() === 'STOPPED') break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
process.stdout.write(`worker ready pid=${process.pid}\n`);
try {
  await running;
} finally {
  await close();
}
