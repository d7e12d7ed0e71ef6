/**
 * Dev-only: serves the API with the stand-in pipeline workflow behind it, so the
 * dashboard can be looked at (and screenshotted) without AWS or the real worker.
 *   TEMPORAL_ADDRESS=127.0.0.1:7233 API_PORT=3100 npx tsx test/api/support/dashboard-preview.ts
 * It creates pipeline `preview` (and `preview-2`), scales one up and starts a replay.
 */
import { join, resolve } from 'node:path';
import { Worker, NativeConnection } from '@temporalio/worker';
import { loadConfigOrExit } from '../../../config/index.js';
import { buildApp } from '../../../api/app.js';
import { createTemporalClient } from '../../../api/temporal/connect.js';

const config = loadConfigOrExit({ TEMPORAL_TASK_QUEUE: 'dashboard-preview', ...process.env });
const connection = await NativeConnection.connect({ address: config.temporal.address });
const worker = await Worker.create({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  workflowsPath: join(resolve(import.meta.dirname, '../../..'), 'test/fixtures/api-workflows/index.ts'),
});
const running = worker.run();
const app = await buildApp({ config, temporalClient: () => createTemporalClient(config.temporal) });
await app.listen({ host: config.api.host, port: config.api.port });

const call = (method: 'POST' | 'PUT', url: string, payload: object) => app.inject({ method, url, payload });
await call('POST', '/pipelines', { id: 'preview', stream: { shardCount: 4 }, application: { parallelism: 2 }, replay: { speedup: 1800 } });
await call('POST', '/pipelines', { id: 'preview-2', stream: { shardCount: 2 } });
await new Promise((r) => setTimeout(r, 1000));
await call('POST', '/pipelines/preview/scale', { shards: 8, reason: 'IncomingRecords 6,000/s > 3,200 = 80 % of 4 shards' });
await call('POST', '/pipelines/preview/scale', { parallelism: 3, reason: 'rate 9,000/s ≥ 2 × 4,400' });
await call('POST', '/pipelines/preview/replay', {});
app.log.info(`dashboard preview at http://${config.api.host}:${config.api.port}/dashboard/preview`);

const stop = async (): Promise<void> => {
  await app.close();
  worker.shutdown();
  await running;
  await connection.close();
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
