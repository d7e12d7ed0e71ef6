/**
 * POST /pipelines is idempotent under a client-chosen id (body `id` or the
 * Idempotency-Key header): the same resolved spec returns the existing pipeline, a
 * different one is a conflict, and racing creates start exactly one workflow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countWorkflowsOn, eventually, startTestApi, terminateAllOn, type TestApi } from './support/app.js';

describe('POST /pipelines idempotency', () => {
  let api: TestApi;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    api.app.inject({ method: 'POST', url: '/pipelines', payload: body as object, headers });

  beforeAll(async () => {
    api = await startTestApi();
  });

  afterAll(async () => {
    if (!api) return;
    await terminateAllOn(api.client, api.taskQueue);
    await api.close();
  });

  it('creates with 201, a Location header, links and a workflow started with the resolved spec and search attributes', async () => {
    const response = await post({ id: 'idem-a', stream: { shardCount: 4 } });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({
      id: 'idem-a', workflowId: 'pipeline-idem-a', created: true,
      links: { self: '/pipelines/idem-a', events: '/pipelines/idem-a/events' },
    });
    expect(body.links.temporalUi).toBe(`${api.config.temporal.uiUrl}/namespaces/${api.config.temporal.namespace}/workflows/pipeline-idem-a`);
    expect(response.headers.location).toBe('/pipelines/idem-a');

    const description = await api.client.workflow.getHandle('pipeline-idem-a').describe();
    expect(description.runId).toBe(body.runId);
    expect(description.type).toBe('pipelineWorkflow');
    expect(description.taskQueue).toBe(api.taskQueue);
    const attrs = Object.fromEntries(description.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]));
    expect(attrs).toMatchObject({ PipelineId: 'idem-a', PipelinePhase: 'PROVISIONING', StreamName: 'idem-a-trips', ApplicationName: 'idem-a-hotspots' });
    expect(await description.staticDetails()).toMatch(/\*\*Stream\*\* `idem-a-trips`/);
    expect(await description.staticSummary()).toMatch(/idem-a-trips \(4 shards\)/);
    const history = await api.client.workflow.getHandle('pipeline-idem-a').fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const [input] = await Promise.all((started?.input?.payloads ?? []).map(async (p) => api.client.options.loadedDataConverter.payloadConverter.fromPayload(p)));
    expect(input).toMatchObject({ spec: { id: 'idem-a', stream: { name: 'idem-a-trips', shardCount: 4 }, application: { parallelism: 1, runtime: 'FLINK-1_20' } } });
  });

  it('answers a repeat with the same spec with 200 and the existing run', async () => {
    const first = await post({ id: 'idem-b', stream: { shardCount: 4 } });
    // Same resolved spec written differently: explicit defaults, other key order.
    const again = await post({ stream: { retentionHours: 24, shardCount: 4 }, id: 'idem-b', retainOnFailure: false });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: 'idem-b', runId: first.json().runId, created: false });
  });

  it('answers a different spec under the same id with 409 problem+json', async () => {
    expect((await post({ id: 'idem-c', stream: { shardCount: 4 } })).statusCode).toBe(201);
    const conflict = await post({ id: 'idem-c', stream: { shardCount: 6 } });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(conflict.json()).toMatchObject({ status: 409, title: 'Conflict', instance: '/pipelines' });
    expect(conflict.json().detail).toMatch(/idem-c.*different spec/);
  });

  it('uses the Idempotency-Key header as the id when the body has none', async () => {
    const first = await post({ stream: { shardCount: 2 } }, { 'idempotency-key': 'idem-key-1' });
    const again = await post({ stream: { shardCount: 2 } }, { 'idempotency-key': 'idem-key-1' });
    expect(first.statusCode).toBe(201);
    expect(first.json().id).toBe('idem-key-1');
    expect(again.statusCode).toBe(200);
    expect(again.json().runId).toBe(first.json().runId);
  });

  it('generates a distinct id for each create without id or key', async () => {
    const [a, b] = await Promise.all([post({}), post({})]);
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(a.json().id).toMatch(/^p-[0-9a-f]{12}$/);
    expect(a.json().id).not.toBe(b.json().id);
  });

  it('starts exactly one workflow when the same create races with itself', async () => {
    const responses = await Promise.all(Array.from({ length: 8 }, () => post({ id: 'idem-race', application: { parallelism: 2 } })));
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.json().runId)).size).toBe(1);
    const runs = await eventually(
      async () => (await api.client.workflow.count(`WorkflowId = 'pipeline-idem-race'`)).count,
      (n) => n >= 1,
    );
    expect(runs).toBe(1);
  });

  it('lets racing creates with different specs start one workflow and refuse the rest with 409', async () => {
    const responses = await Promise.all([2, 3, 4, 5].map((shardCount) => post({ id: 'idem-race2', stream: { shardCount } })));
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, 409, 409, 409]);
    const total = await eventually(() => countWorkflowsOn(api.client, api.taskQueue), (n) => n >= 1);
    expect(total).toBeGreaterThan(0);
    expect((await api.client.workflow.count(`WorkflowId = 'pipeline-idem-race2'`)).count).toBe(1);
  });
});
