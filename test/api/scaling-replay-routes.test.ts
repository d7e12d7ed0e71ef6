/**
 * Scaling and replay routes drive the pipeline workflow's updates and queries: accepted
 * actions come back as the workflow answered them, and a refusal by the workflow (its
 * update validator) is a 409 problem carrying the workflow's own message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApi, terminateAllOn, type TestApi } from './support/app.js';
import { startFixtureWorker, type FixtureWorker } from './support/fixture-worker.js';

describe('scaling and replay routes with a running pipeline workflow', () => {
  let api: TestApi;
  let worker: FixtureWorker;
  const send = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    api.app.inject({ method, url, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startFixtureWorker(api.taskQueue);
    const created = await send('POST', '/pipelines', { id: 'ops', stream: { shardCount: 8 } });
    expect(created.statusCode).toBe(201);
    await eventually(() => send('GET', '/pipelines/ops'), (r) => r.statusCode === 200 && r.json().phase === 'RUNNING');
  });

  afterAll(async () => {
    if (api) await terminateAllOn(api.client, api.taskQueue);
    await worker?.stop();
    await api?.close();
  });

  it('POST /scale to 12 shards on an 8-shard stream answers with the accepted action', async () => {
    const response = await send('POST', '/pipelines/ops/scale', { shards: 12, reason: 'planned event' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      accepted: true, target: { shards: 12 }, before: { shards: 8, parallelism: 1 }, message: 'Override to {"shards":12} accepted',
    });
    expect((await send('GET', '/pipelines/ops')).json().capacity).toMatchObject({ shards: 12 });
  });

  it('POST /scale beyond 2× is refused with 409 and the workflow\'s message', async () => {
    const response = await send('POST', '/pipelines/ops/scale', { shards: 25 });
    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 409, title: 'Rejected by the pipeline', instance: '/pipelines/ops/scale' });
    expect(response.json().detail).toBe('25 shards is more than 2× or less than ½ of the 12 open shards (UpdateShardCount limit)');
  });

  it('GET /scaling returns the history the workflow recorded, with reasons', async () => {
    const response = await send('GET', '/pipelines/ops/scaling');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: 'ops',
      history: [{ kind: 'override', source: 'override', before: { shards: 8 }, after: { shards: 12 }, reasons: ['planned event'] }],
    });
  });

  it('PUT /autoscaling passes only the changed settings and returns those in force', async () => {
    const response = await send('PUT', '/pipelines/ops/autoscaling', { paused: true, limits: { maxShards: 20 } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ paused: true, policy: 'article-step', limits: { minShards: 1, maxShards: 20, maxParallelism: 32 } });
    const history = (await send('GET', '/pipelines/ops/scaling')).json().history;
    // The update's argument as the workflow received it: no defaults were added by the API.
    expect(JSON.parse(history.at(-1).reasons[0])).toEqual({ paused: true, limits: { maxShards: 20 } });
  });

  it('PUT /autoscaling refused by the workflow is a 409 with its message', async () => {
    const response = await send('PUT', '/pipelines/ops/autoscaling', { limits: { minShards: 30 } });
    expect(response.statusCode).toBe(409);
    expect(response.json().detail).toBe('limits.minShards must not exceed limits.maxShards');
  });

  it('GET /metrics returns the samples with explicit nulls for missing data', async () => {
    const response = await send('GET', '/pipelines/ops/metrics');
    expect(response.statusCode).toBe(200);
    const { samples } = response.json();
    expect(samples).toHaveLength(10);
    expect(samples[0]).toMatchObject({ periodSeconds: 60, incomingRecords: 120000, numRecordsInPerSecond: 2000 });
    expect(samples[2].millisBehindLatest).toBeNull();
  });

  it('GET /replay before any replay is a 404 that says there is no replay', async () => {
    const response = await send('GET', '/pipelines/ops/replay');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ title: 'No replay', type: 'urn:shardpilot:problem:no-replay' });
  });

  it('a replay control before the replay started is refused with 409', async () => {
    const response = await send('POST', '/pipelines/ops/replay/pause');
    expect(response.statusCode).toBe(409);
    expect(response.json().detail).toBe('No replay has been started');
  });

  it('starts the replay, then pauses, changes speed, resumes and stops it', async () => {
    const started = await send('POST', '/pipelines/ops/replay', { speedup: 'max' });
    expect(started.statusCode).toBe(200);
    expect(started.json()).toMatchObject({ state: 'running', source: 'sample', speedup: 'max', eventsSent: 1200, percent: 25 });

    expect((await send('POST', '/pipelines/ops/replay', {})).statusCode).toBe(409);
    expect((await send('POST', '/pipelines/ops/replay/pause')).json().state).toBe('paused');
    const faster = await send('PUT', '/pipelines/ops/replay/speedup', { speedup: 3600 });
    expect(faster.statusCode).toBe(200);
    expect(faster.json()).toMatchObject({ state: 'paused', speedup: 3600 });
    expect((await send('POST', '/pipelines/ops/replay/resume')).json().state).toBe('running');
    expect((await send('GET', '/pipelines/ops/replay')).json()).toMatchObject({ state: 'running', speedup: 3600, malformedLines: 2 });
    expect((await send('POST', '/pipelines/ops/replay/stop')).json().state).toBe('stopped');
  });

  it('updates to a pipeline that has finished are refused, not hung', async () => {
    await api.app.inject({ method: 'DELETE', url: '/pipelines/ops' });
    await eventually(() => send('GET', '/pipelines/ops'), (r) => r.json().phase === 'DELETED');
    const response = await send('POST', '/pipelines/ops/scale', { shards: 10 });
    expect(response.statusCode).toBe(409);
    expect(response.json().title).toBe('Pipeline is closed');
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
