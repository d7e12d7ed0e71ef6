/**
 * Reading and tearing down pipelines through the API, against a real Worker running the
 * stand-in pipeline workflow: status and events come from its queries, the list from
 * visibility (filtered by phase, paginated), DELETE signals teardown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineIdKey } from '../../workflows/contract.js';
import { eventually, startTestApi, terminateAllOn, type TestApi } from './support/app.js';
import { startFixtureWorker, type FixtureWorker } from './support/fixture-worker.js';

describe('pipeline routes with a running pipeline workflow', () => {
  let api: TestApi;
  let worker: FixtureWorker;
  const get = (url: string) => api.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startFixtureWorker(api.taskQueue);
    for (const id of ['apirt-a', 'apirt-b', 'apirt-c']) {
      const created = await api.app.inject({ method: 'POST', url: '/pipelines', payload: { id, stream: { shardCount: 3 } } });
      expect(created.statusCode).toBe(201);
    }
  });

  afterAll(async () => {
    if (api) await terminateAllOn(api.client, api.taskQueue);
    await worker?.stop();
    await api?.close();
  });

  it('GET /pipelines/:id returns the workflow\'s status query', async () => {
    const response = await eventually(() => get('/pipelines/apirt-a'), (r) => r.statusCode === 200 && r.json().phase === 'RUNNING');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: 'apirt-a', phase: 'RUNNING',
      spec: { id: 'apirt-a', stream: { name: 'apirt-a-trips', shardCount: 3 } },
      capacity: { shards: 3, parallelism: 1 },
      resources: { streamName: 'apirt-a-trips', applicationName: 'apirt-a-hotspots' },
    });
  });

  it('GET /pipelines/:id/events returns the lifecycle events', async () => {
    const response = await get('/pipelines/apirt-a/events');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: 'apirt-a', events: [{ kind: 'phase', message: 'Phase RUNNING' }] });
  });

  it('answers 404 problem+json for an unknown pipeline on every per-pipeline read', async () => {
    for (const url of ['/pipelines/nobody', '/pipelines/nobody/events', '/pipelines/nobody/scaling', '/pipelines/nobody/metrics', '/pipelines/nobody/replay']) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ status: 404, title: 'Pipeline not found', instance: url });
    }
    const deleted = await api.app.inject({ method: 'DELETE', url: '/pipelines/nobody' });
    expect(deleted.statusCode).toBe(404);
  });

  it('lists pipelines from visibility, filtered by phase, with their search attributes', async () => {
    const running = await eventually(
      () => get('/pipelines?phase=RUNNING&pageSize=100'),
      (r) => ['apirt-a', 'apirt-b', 'apirt-c'].every((id) => r.json().pipelines.some((p: { id: string }) => p.id === id)),
    );
    expect(running.statusCode).toBe(200);
    const mine = running.json().pipelines.filter((p: { id: string }) => p.id.startsWith('apirt-'));
    expect(mine).toHaveLength(3);
    expect(mine[0]).toMatchObject({ phase: 'RUNNING', execution: 'RUNNING', closedAt: null, links: { self: `/pipelines/${mine[0].id}` } });
    expect(mine.map((p: { streamName: string }) => p.streamName).sort()).toEqual(['apirt-a-trips', 'apirt-b-trips', 'apirt-c-trips']);
    const failed = await get('/pipelines?phase=FAILED&pageSize=100');
    expect(failed.json().pipelines.filter((p: { id: string }) => p.id.startsWith('apirt-'))).toEqual([]);
  });

  it('paginates with pageSize and an opaque nextPageToken until the last page', async () => {
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const url: string = `/pipelines?phase=RUNNING&pageSize=1${token ? `&nextPageToken=${token}` : ''}`;
      const page = await get(url);
      expect(page.statusCode).toBe(200);
      expect(page.json().pipelines.length).toBeLessThanOrEqual(1);
      seen.push(...page.json().pipelines.map((p: { id: string }) => p.id));
      token = page.json().nextPageToken;
      pages++;
    } while (token !== null && pages < 50);
    expect(seen.filter((id) => id.startsWith('apirt-')).sort()).toEqual(['apirt-a', 'apirt-b', 'apirt-c']);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('lists a pipeline that continued-as-new once, by its latest run', async () => {
    const spec = (await get('/pipelines/apirt-a')).json().spec;
    const handle = await api.client.workflow.start('pipelineWorkflow', {
      workflowId: 'pipeline-apirt-can',
      taskQueue: api.taskQueue,
      args: [{ spec: { ...spec, id: 'apirt-can' }, continueAsNewAfterHistoryEvents: 1 }],
      typedSearchAttributes: [{ key: pipelineIdKey, value: 'apirt-can' }],
    });
    await eventually(
      async () => (await api.client.workflow.count(`WorkflowId = 'pipeline-apirt-can'`)).count,
      (n) => n === 2,
    );
    const listed = await eventually(
      () => get('/pipelines?pageSize=100'),
      (r) => r.json().pipelines.some((p: { id: string }) => p.id === 'apirt-can'),
    );
    const runs = listed.json().pipelines.filter((p: { id: string }) => p.id === 'apirt-can');
    expect(runs).toHaveLength(1);
    expect(runs[0].runId).not.toBe(handle.firstExecutionRunId);
    expect(runs[0]).toMatchObject({ execution: 'RUNNING', phase: 'RUNNING' });
  });

  it('rejects a well-formed page token it did not issue with 422 naming nextPageToken', async () => {
    const response = await get('/pipelines?nextPageToken=bm90LWEtdG9rZW4');
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual([{ field: '/nextPageToken', rule: 'is not a token this API returned', in: 'querystring' }]);
  });

  it('DELETE signals teardown with 202; the phase becomes DELETED; a second DELETE is still 202', async () => {
    const response = await api.app.inject({ method: 'DELETE', url: '/pipelines/apirt-c?reason=done%20testing' });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ id: 'apirt-c', workflowId: 'pipeline-apirt-c', message: 'Teardown requested.' });
    const status = await eventually(() => get('/pipelines/apirt-c'), (r) => r.json().phase === 'DELETED');
    expect(status.json().phase).toBe('DELETED');
    const events = await get('/pipelines/apirt-c/events');
    expect(events.json().events.map((e: { message: string }) => e.message)).toContain('Teardown requested: done testing');
    const deletedList = await eventually(
      () => get('/pipelines?phase=DELETED&pageSize=100'),
      (r) => r.json().pipelines.some((p: { id: string }) => p.id === 'apirt-c'),
    );
    expect(deletedList.json().pipelines.find((p: { id: string }) => p.id === 'apirt-c')).toMatchObject({ execution: 'COMPLETED' });
    const again = await api.app.inject({ method: 'DELETE', url: '/pipelines/apirt-c' });
    expect(again.statusCode).toBe(202);
    expect(again.json().message).toMatch(/already finished/);
  });
});
