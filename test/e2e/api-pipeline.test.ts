/**
 * Issue 4's end-to-end acceptance through the HTTP API: the real pipeline workflow and
 * activities on a real Worker, provisioning against the embedded emulator, driven only by
 * POST/GET/DELETE on the Fastify app (app.inject) and checked in the emulator through the
 * same AWS SDK clients production uses.
 */
import { randomBytes } from 'node:crypto';
import {
  DescribeApplicationCommand, ListApplicationsCommand, type KinesisAnalyticsV2Client,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { DescribeStreamSummaryCommand, ListStreamsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import type { PipelinePhase } from '../../model/status.js';
import { startTestApi, terminateAllOn, type TestApi } from '../api/support/app.js';
import { cloudWatchClient, flinkClient, kinesisClient, startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { runWorker, uniqueTaskQueue } from '../support/temporal.js';

const TERMINAL: PipelinePhase[] = ['RUNNING', 'FAILED', 'DELETED', 'DEGRADED'];

/** A pipeline id no other test uses, unique per run so reruns on one dev server never collide. */
const pipelineId = (name: string) => `e2eapi-${name}-${randomBytes(3).toString('hex')}`;

/** A small spec as a client would send it: 3 shards, parallelism 2, the scaling loop out of the way. */
function spec(id: string): Record<string, unknown> {
  return {
    id,
    stream: { shardCount: 3 },
    application: { parallelism: 2 },
    scaling: { policy: 'none', enabled: false, intervalSeconds: 3600 },
  };
}

async function until<T>(what: string, fn: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await fn();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${describeValue(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function describeValue(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'statusCode' in value && 'body' in value) {
    const r = value as LightMyRequestResponse;
    return `${r.statusCode} ${r.body.slice(0, 500)}`;
  }
  return JSON.stringify(value)?.slice(0, 500) ?? String(value);
}

async function streamNames(kinesis: KinesisClient): Promise<string[]> {
  return (await kinesis.send(new ListStreamsCommand({}))).StreamNames ?? [];
}

async function applicationNames(flink: KinesisAnalyticsV2Client): Promise<string[]> {
  return ((await flink.send(new ListApplicationsCommand({}))).ApplicationSummaries ?? []).map((a) => a.ApplicationName ?? '');
}

describe('pipeline life cycle through the API (real workflow, activities and Worker against the emulator)', () => {
  let api: TestApi;
  let emulator: TestEmulator;
  let kinesis: KinesisClient;
  let flink: KinesisAnalyticsV2Client;
  let activities: ReturnType<typeof createActivities>;
  const taskQueue = uniqueTaskQueue('e2eapi');

  const get = (url: string) => api.app.inject({ method: 'GET', url });
  const status = (id: string) => get(`/pipelines/${id}`);
  const phaseOf = (r: LightMyRequestResponse): string | undefined => (r.statusCode === 200 ? r.json().phase : undefined);
  const waitForPhase = (id: string, phases: PipelinePhase[], timeoutMs?: number) =>
    until(`pipeline ${id} to reach ${phases.join('/')}`, () => status(id), (r) => phases.includes(phaseOf(r) as PipelinePhase), timeoutMs);

  /** Outcome and AWS error code of each call of `operation` naming this stream or application. */
  const outcomes = (operation: string, name: string) => emulator.admin.calls({ operation })
    .filter((c) => {
      const params = c.params as { StreamName?: string; ApplicationName?: string };
      return params.StreamName === name || params.ApplicationName === name;
    })
    .map((c) => [c.outcome, c.error]);

  /** Every page of GET /pipelines?phase=…, since other test files share the dev server's visibility. */
  async function listedIds(phase: PipelinePhase): Promise<string[]> {
    const ids: string[] = [];
    let token: string | null = null;
    for (let page = 0; page < 100; page++) {
      const response = await get(`/pipelines?phase=${phase}&pageSize=200${token ? `&nextPageToken=${encodeURIComponent(token)}` : ''}`);
      expect(response.statusCode).toBe(200);
      const body = response.json() as { pipelines: Array<{ id: string; phase: string }>; nextPageToken: string | null };
      for (const p of body.pipelines) {
        expect(p.phase).toBe(phase);
        ids.push(p.id);
      }
      token = body.nextPageToken;
      if (token === null) break;
    }
    return ids;
  }

  beforeAll(async () => {
    emulator = await startTestEmulator({ kinesis: { createStreamMs: 100, deleteStreamMs: 50 } });
    kinesis = kinesisClient(emulator);
    flink = flinkClient(emulator);
    activities = createActivities({
      kinesis, flink, cloudwatch: cloudWatchClient(emulator), dataDir: 'data', pollTiming: { minDelayMs: 20, maxDelayMs: 200 },
    });
    api = await startTestApi({ taskQueue, callTimeoutMs: 10_000 });
  });

  afterAll(async () => {
    if (api) await terminateAllOn(api.client, taskQueue).catch(() => undefined);
    await api?.close();
    kinesis?.destroy();
    flink?.destroy();
    await emulator?.stop();
  });

  it('creates a pipeline that reaches RUNNING as requested, is listed, is idempotent, and DELETE tears it all down', { timeout: 120_000 }, async () => {
    const id = pipelineId('ok');
    const streamName = `${id}-trips`;
    const applicationName = `${id}-hotspots`;
    await runWorker({ taskQueue, activities }, async () => {
      const created = await api.app.inject({ method: 'POST', url: '/pipelines', payload: spec(id) });
      expect(created.statusCode, created.body).toBe(201);
      const body = created.json();
      expect(body).toMatchObject({ id, workflowId: `pipeline-${id}`, created: true, links: { self: `/pipelines/${id}` } });
      expect(body.runId).toEqual(expect.any(String));
      expect(created.headers.location).toBe(`/pipelines/${id}`);

      const running = await waitForPhase(id, TERMINAL);
      expect(running.json()).toMatchObject({
        id, phase: 'RUNNING', lastError: null,
        capacity: { shards: 3, parallelism: 2, parallelismPerKpu: 1 },
        resources: { streamName, applicationName, createdStream: true, createdApplication: true },
      });

      // What the emulator says, asked the way AWS would be asked.
      const stream = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      expect(stream.StreamDescriptionSummary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 3 });
      const app = (await flink.send(new DescribeApplicationCommand({ ApplicationName: applicationName }))).ApplicationDetail;
      expect(app?.ApplicationStatus).toBe('RUNNING');
      expect(app?.RuntimeEnvironment).toBe('FLINK-1_20');
      expect(app?.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription).toMatchObject({
        ConfigurationType: 'CUSTOM', CurrentParallelism: 2, AutoScalingEnabled: false,
      });
      expect(await streamNames(kinesis)).toEqual([streamName]);
      expect(await applicationNames(flink)).toEqual([applicationName]);

      // Visibility lags the search attribute update: wait for the list to catch up.
      await until(`GET /pipelines?phase=RUNNING to list ${id}`, () => listedIds('RUNNING'), (ids) => ids.includes(id));

      // The same spec again is the same pipeline; a different one under the id is a conflict.
      const again = await api.app.inject({ method: 'POST', url: '/pipelines', payload: spec(id) });
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json()).toMatchObject({ id, workflowId: body.workflowId, runId: body.runId, created: false });
      const different = await api.app.inject({ method: 'POST', url: '/pipelines', payload: { ...spec(id), stream: { shardCount: 4 } } });
      expect(different.statusCode).toBe(409);
      expect(outcomes('CreateStream', streamName)).toEqual([['ok', undefined]]);
      expect(outcomes('CreateApplication', applicationName)).toEqual([['ok', undefined]]);

      const deleted = await api.app.inject({ method: 'DELETE', url: `/pipelines/${id}?reason=e2e%20done` });
      expect(deleted.statusCode, deleted.body).toBe(202);
      expect(deleted.json()).toMatchObject({ id, workflowId: `pipeline-${id}`, message: 'Teardown requested.' });

      const gone = await waitForPhase(id, ['DELETED', 'FAILED']);
      expect(gone.json()).toMatchObject({ phase: 'DELETED', lastError: null });
      await expect(kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      await expect(flink.send(new DescribeApplicationCommand({ ApplicationName: applicationName }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      expect(await streamNames(kinesis)).toEqual([]);
      expect(await applicationNames(flink)).toEqual([]);

      const events = await get(`/pipelines/${id}/events`);
      expect(events.statusCode).toBe(200);
      const phases = (events.json().events as Array<{ kind: string; data?: { to?: string } }>)
        .filter((e) => e.kind === 'phase').map((e) => e.data?.to).filter(Boolean);
      expect(phases).toEqual(['STARTING', 'RUNNING', 'TEARING_DOWN', 'DELETED']);
      await until(`GET /pipelines?phase=DELETED to list ${id}`, () => listedIds('DELETED'), (ids) => ids.includes(id));
    });

    // The workflow published its status in its memo: with no worker left (a query would have to wait for one
    // to replay the closed run), a fresh API — nothing cached — still answers at once from Temporal alone.
    const fresh = await startTestApi({ taskQueue, callTimeoutMs: 3_000 });
    try {
      const read = await fresh.app.inject({ method: 'GET', url: `/pipelines/${id}` });
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json()).toMatchObject({
        id, phase: 'DELETED', lastError: null, resources: { streamName, applicationName }, freshness: { source: 'query' },
      });
    } finally {
      await fresh.close();
    }
  });

  it('ends FAILED with the reason when the emulator rejects CreateApplication, and removes the stream it created', { timeout: 120_000 }, async () => {
    const id = pipelineId('fail');
    const streamName = `${id}-trips`;
    const applicationName = `${id}-hotspots`;
    const streamsBefore = await streamNames(kinesis);
    // Told through the emulator's admin API, as an operator would.
    const fault = await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'fail', operation: 'CreateApplication', count: 1, errorName: 'InvalidArgumentException',
        message: 'Injected: the service execution role cannot be assumed.',
      }),
    });
    expect(fault.status).toBe(200);
    try {
      await runWorker({ taskQueue, activities }, async () => {
        const created = await api.app.inject({ method: 'POST', url: '/pipelines', payload: spec(id) });
        expect(created.statusCode, created.body).toBe(201);

        const failed = await waitForPhase(id, TERMINAL);
        expect(failed.json()).toMatchObject({
          id, phase: 'FAILED',
          lastError: { step: 'ensure application', message: expect.stringContaining('service execution role cannot be assumed') },
        });
        expect(outcomes('CreateStream', streamName)).toEqual([['ok', undefined]]);
        expect(outcomes('CreateApplication', applicationName)).toEqual([['error', 'InvalidArgumentException']]);
        expect(outcomes('DeleteStream', streamName)).toEqual([['ok', undefined]]);

        await expect(kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
        await expect(flink.send(new DescribeApplicationCommand({ ApplicationName: applicationName }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
        expect(await streamNames(kinesis)).toEqual(streamsBefore);

        const events = await get(`/pipelines/${id}/events`);
        const undo = (events.json().events as Array<{ kind: string; message: string }>).filter((e) => e.kind === 'compensation');
        expect(undo.map((e) => e.message)).toEqual([`Undo "delete stream ${streamName}": Deleted stream ${streamName}`]);
        await until(`GET /pipelines?phase=FAILED to list ${id}`, () => listedIds('FAILED'), (ids) => ids.includes(id));
      });
    } finally {
      emulator.admin.clearFaults();
    }
  });
});
