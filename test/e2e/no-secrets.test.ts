/**
 * Secrets stay secret: the AWS credentials the activities sign with and the API token
 * never appear in the API's log (at its most verbose), in the pipeline's Temporal history
 * (inputs, results, failures, memo, search attributes — payloads decoded), or in any query
 * result the API serves, across a whole life cycle: create, scale, reads, a rejected
 * update, a wrong token, delete.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { buildApp } from '../../api/app.js';
import { loadConfig } from '../../config/index.js';
import { TEST_REGION, startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { createTestClient, runWorker, temporalAddress, temporalNamespace, uniqueTaskQueue } from '../support/temporal.js';
import { terminateAllOn } from '../api/support/app.js';
import type { Client } from '@temporalio/client';

const SECRETS = {
  accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
  secretAccessKey: `secret-${randomBytes(16).toString('hex')}`,
  apiToken: `token-${randomBytes(16).toString('hex')}`,
};

/** Binary payloads (Temporal's JSON payloads) decoded, so a secret inside one is visible to the search. */
function searchable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v));
}

function leaks(text: string): string[] {
  return Object.entries(SECRETS).filter(([, secret]) => text.includes(secret)).map(([name]) => name);
}

describe('no secrets in logs, histories or query results', () => {
  let emulator: TestEmulator;
  let app: FastifyInstance;
  let client: Client;
  const logLines: string[] = [];
  const served: string[] = [];
  const taskQueue = uniqueTaskQueue('secrets');
  const id = `secrets-${randomBytes(3).toString('hex')}`;
  let clients: { kinesis: KinesisClient; flink: KinesisAnalyticsV2Client; cloudwatch: CloudWatchClient };

  beforeAll(async () => {
    emulator = await startTestEmulator();
    const options = { endpoint: emulator.url, region: TEST_REGION, credentials: { accessKeyId: SECRETS.accessKeyId, secretAccessKey: SECRETS.secretAccessKey } };
    clients = { kinesis: new KinesisClient(options), flink: new KinesisAnalyticsV2Client(options), cloudwatch: new CloudWatchClient(options) };
    const config = loadConfig({
      TEMPORAL_ADDRESS: temporalAddress(), TEMPORAL_NAMESPACE: temporalNamespace(), TEMPORAL_TASK_QUEUE: taskQueue, API_TOKEN: SECRETS.apiToken,
    });
    client = await createTestClient();
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    app = await buildApp({ config, temporalClient: client, logger: { level: 'trace', stream } });
    await app.ready();
  });

  afterAll(async () => {
    if (client) await terminateAllOn(client, taskQueue).catch(() => undefined);
    await app?.close();
    await client?.connection.close();
    for (const c of Object.values(clients ?? {})) c.destroy();
    await emulator?.stop();
  });

  it('keeps the AWS keys and the API token out of every log line, history event and response', { timeout: 120_000 }, async () => {
    const activities = createActivities({ ...clients, dataDir: 'data', pollTiming: { minDelayMs: 20, maxDelayMs: 200 } });
    const auth = { authorization: `Bearer ${SECRETS.apiToken}` };
    const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, headers: Record<string, string> = auth) => {
      const response = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
      served.push(response.body, JSON.stringify(response.headers));
      return response;
    };
    await runWorker({ taskQueue, activities }, async () => {
      const created = await call('POST', '/pipelines', {
        id, stream: { shardCount: 2 }, application: { parallelism: 1 },
        // 1 s periods (the emulator allows them) and short bounds: the override below is verified in
        // seconds, so the teardown after it runs to DELETED inside the test and its logs are checked too.
        scaling: { policy: 'none', enabled: false, intervalSeconds: 3600, periodSeconds: 1, settleTimeoutSeconds: 10, verifyTimeoutSeconds: 2 },
      });
      expect(created.statusCode, created.body).toBe(201);
      for (let i = 0; i < 300; i++) {
        const status = await call('GET', `/pipelines/${id}`);
        if (status.json().phase === 'RUNNING') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await call('POST', `/pipelines/${id}/scale`, { shards: 3, reason: 'secret test' })).statusCode).toBe(200);
      expect((await call('POST', `/pipelines/${id}/scale`, { shards: 100 })).statusCode).toBe(409);
      expect((await call('GET', '/pipelines', undefined, { authorization: `Bearer wrong-${SECRETS.apiToken}` })).statusCode).toBe(401);
      for (const path of ['', '/events', '/scaling', '/metrics']) expect((await call('GET', `/pipelines/${id}${path}`)).statusCode).toBe(200);
      expect((await call('GET', '/pipelines?pageSize=5')).statusCode).toBe(200);
      expect((await call('DELETE', `/pipelines/${id}`)).statusCode).toBe(202);
      let phase: unknown;
      for (let i = 0; i < 600 && phase !== 'DELETED'; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 100));
        phase = (await call('GET', `/pipelines/${id}`)).json().phase;
      }
      expect(phase, 'the teardown after the override to reach DELETED').toBe('DELETED');
    });
    const history = await client.workflow.getHandle(`pipeline-${id}`).fetchHistory();
    const description = await client.workflow.getHandle(`pipeline-${id}`).describe();

    expect(logLines.length).toBeGreaterThan(10);
    expect(history.events?.length ?? 0).toBeGreaterThan(20);
    expect(leaks(logLines.join('\n'))).toEqual([]);
    expect(leaks(searchable(history))).toEqual([]);
    expect(leaks(searchable(description.raw))).toEqual([]);
    expect(leaks(served.join('\n'))).toEqual([]);
  });
});
