/**
 * Malformed requests: each is answered with a 4xx problem document that names the
 * field and the rule it broke, and none of them starts a workflow.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countWorkflowsOn, startTestApi, type TestApi } from './support/app.js';

interface Case {
  name: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url?: string;
  body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  status: number;
  field?: string;
  rule?: string | RegExp;
}

const json = (body: unknown): Pick<Case, 'body'> => ({ body });

const cases: Case[] = [
  { name: 'shard count as a string', ...json({ id: 'm-01', stream: { shardCount: '8' } }), status: 400, field: '/stream/shardCount', rule: 'must be integer' },
  { name: 'zero shards', ...json({ id: 'm-02', stream: { shardCount: 0 } }), status: 400, field: '/stream/shardCount', rule: 'must be >= 1' },
  { name: 'more than 10000 shards', ...json({ id: 'm-03', stream: { shardCount: 10001 } }), status: 400, field: '/stream/shardCount', rule: 'must be <= 10000' },
  { name: 'fractional shards', ...json({ id: 'm-04', stream: { shardCount: 2.5 } }), status: 400, field: '/stream/shardCount', rule: 'must be integer' },
  { name: 'parallelism above 256', ...json({ id: 'm-05', application: { parallelism: 257 } }), status: 400, field: '/application/parallelism', rule: 'must be <= 256' },
  { name: 'ParallelismPerKPU above 8', ...json({ id: 'm-06', application: { parallelismPerKpu: 9 } }), status: 400, field: '/application/parallelismPerKpu', rule: 'must be <= 8' },
  { name: 'ParallelismPerKPU zero', ...json({ id: 'm-07', application: { parallelismPerKpu: 0 } }), status: 400, field: '/application/parallelismPerKpu', rule: 'must be >= 1' },
  { name: 'unknown top-level field', ...json({ id: 'm-08', shards: 4 }), status: 400, field: '/shards', rule: 'is not an allowed field' },
  { name: 'unknown nested field', ...json({ id: 'm-09', stream: { shards: 4 } }), status: 400, field: '/stream/shards', rule: 'is not an allowed field' },
  { name: 'id with capitals and underscore', ...json({ id: 'Bad_ID' }), status: 400, field: '/id', rule: /must match pattern/ },
  { name: 'id longer than 48 characters', ...json({ id: 'a'.repeat(49) }), status: 400, field: '/id', rule: 'must NOT have more than 48 characters' },
  { name: 'id starting with a dash', ...json({ id: '-abc' }), status: 400, field: '/id', rule: /must match pattern/ },
  { name: 'stream name with spaces', ...json({ id: 'm-13', stream: { name: 'bad name!' } }), status: 400, field: '/stream/name', rule: /must match pattern/ },
  { name: 'stream name over 128 characters', ...json({ id: 'm-14', stream: { name: 's'.repeat(129) } }), status: 400, field: '/stream/name', rule: /must match pattern/ },
  { name: 'unknown Flink runtime', ...json({ id: 'm-15', application: { runtime: 'FLINK-2_0' } }), status: 400, field: '/application/runtime', rule: /must match pattern/ },
  { name: 'execution role that is not an IAM role ARN', ...json({ id: 'm-16', application: { serviceExecutionRole: 'admin' } }), status: 400, field: '/application/serviceExecutionRole' },
  // The per-pipeline role the worker assumes (issue 15): an IAM role ARN, not a user, not a bare name.
  { name: 'role to assume that is an IAM user ARN', ...json({ id: 'm-16a', roleArn: 'arn:aws:iam::123456789012:user/ops' }), status: 400, field: '/roleArn', rule: /must match pattern/ },
  { name: 'role to assume without an account', ...json({ id: 'm-16b', roleArn: 'arn:aws:iam:::role/ops' }), status: 400, field: '/roleArn', rule: /must match pattern/ },
  { name: 'negative replay speedup', ...json({ id: 'm-17', replay: { speedup: -1 } }), status: 400, field: '/replay/speedup' },
  { name: 'replay speedup as a word', ...json({ id: 'm-18', replay: { speedup: 'fast' } }), status: 400, field: '/replay/speedup' },
  { name: 'unknown scaling policy', ...json({ id: 'm-19', scaling: { policy: 'magic' } }), status: 400, field: '/scaling/policy', rule: /must be one of article-step/ },
  { name: 'zero-second control interval', ...json({ id: 'm-20', scaling: { intervalSeconds: 0 } }), status: 400, field: '/scaling/intervalSeconds', rule: 'must be >= 1' },
  // Schema-valid bodies that break a rule across fields: 422, so a schema-driven client can tell them apart.
  { name: 'minShards above maxShards', ...json({ id: 'm-21', scaling: { limits: { minShards: 10, maxShards: 4 } } }), status: 422, field: '/scaling/limits/minShards', rule: 'must not exceed maxShards' },
  { name: 'parallelism needing more KPUs than allowed', ...json({ id: 'm-22', application: { parallelism: 100 } }), status: 422, field: '/application/parallelism', rule: /needs 101 KPUs/ },
  { name: 'boolean as a string', ...json({ id: 'm-23', retainOnFailure: 'yes' }), status: 400, field: '/retainOnFailure', rule: 'must be boolean' },
  { name: 'retention below 24 hours', ...json({ id: 'm-24', stream: { retentionHours: 12 } }), status: 400, field: '/stream/retentionHours', rule: 'must be >= 24' },
  { name: 'policy parameter that is not a number', ...json({ id: 'm-25', scaling: { limits: {}, parameters: { target: 'high' } } }), status: 400, field: '/scaling/parameters/target', rule: 'must be number' },
  { name: 'parameter name outside the naming rule', ...json({ id: 'm-51', scaling: { policy: 'article-step', limits: {}, parameters: { '1bad': 1 } } }), status: 400, field: '/scaling/parameters/1bad', rule: /is not an allowed field/ },
  { name: 'parameter unknown to the chosen policy', ...json({ id: 'm-51b', scaling: { policy: 'article-step', limits: {}, parameters: { bogus: 1 } } }), status: 422, field: '/scaling/parameters/bogus', rule: /^unknown parameter; known: / },
  { name: 'policy parameter out of its range', ...json({ id: 'm-52', scaling: { limits: {}, parameters: { recordsPerSecondPerParallelism: -5 } } }), status: 422, field: '/scaling/parameters/recordsPerSecondPerParallelism', rule: /^must be between/ },
  { name: 'autoscaling change with parameters the new policy does not know', method: 'PUT', url: '/pipelines/m-53/autoscaling', ...json({ policy: 'article-step', parameters: { bogus: 1 } }), status: 422, field: '/parameters/bogus', rule: /^unknown parameter/ },
  { name: 'body that is an array', ...json([{ id: 'm-26' }]), status: 400, field: '/', rule: 'must be object' },
  { name: 'body that is JSON null', raw: 'null', status: 400 },
  { name: 'truncated JSON', raw: '{"id":"m-28","stream":', status: 400 },
  { name: 'empty body declared as JSON', raw: '', status: 400 },
  { name: 'text/plain body', raw: '{"id":"m-30"}', contentType: 'text/plain', status: 415 },
  { name: 'XML body', raw: '<pipeline id="m-31"/>', contentType: 'application/xml', status: 415 },
  { name: 'body over the size limit', ...json({ id: 'm-32', application: { properties: { Big: { blob: 'x'.repeat(300 * 1024) } } } }), status: 413 },
  { name: 'invalid Idempotency-Key header', ...json({}), headers: { 'idempotency-key': 'NOT VALID' }, status: 400, field: '/idempotency-key', rule: /must match pattern/ },
  { name: 'Idempotency-Key that contradicts the body id', ...json({ id: 'm-34' }), headers: { 'idempotency-key': 'm-34-other' }, status: 422, field: '/id', rule: /Idempotency-Key/ },
  { name: 'page size zero', method: 'GET', url: '/pipelines?pageSize=0', status: 400, field: '/pageSize', rule: 'must be >= 1' },
  { name: 'page size that is not a number', method: 'GET', url: '/pipelines?pageSize=abc', status: 400, field: '/pageSize', rule: 'must be integer' },
  { name: 'unknown phase filter', method: 'GET', url: '/pipelines?phase=SLEEPING', status: 400, field: '/phase', rule: /must be one of PROVISIONING/ },
  { name: 'unknown query parameter', method: 'GET', url: '/pipelines?owner=me', status: 400, field: '/owner', rule: 'is not an allowed field' },
  { name: 'page token with foreign characters', method: 'GET', url: '/pipelines?nextPageToken=%21%21', status: 400, field: '/nextPageToken' },
  { name: 'pipeline id in the path with capitals', method: 'GET', url: '/pipelines/BAD_ID', status: 400, field: '/id', rule: /must match pattern/ },
  { name: 'scale to zero shards', url: '/pipelines/m-41/scale', ...json({ shards: 0 }), status: 400, field: '/shards', rule: 'must be >= 1' },
  { name: 'scale with no target', url: '/pipelines/m-42/scale', ...json({ reason: 'because' }), status: 400, field: '/shards', rule: 'set at least one of shards, parallelism, parallelismPerKpu' },
  { name: 'scale target as a string (bodies are not coerced)', url: '/pipelines/m-43/scale', ...json({ shards: '12' }), status: 400, field: '/shards', rule: 'must be integer' },
  { name: 'autoscaling bound of zero', method: 'PUT', url: '/pipelines/m-44/autoscaling', ...json({ limits: { maxShards: 0 } }), status: 400, field: '/limits/maxShards', rule: 'must be >= 1' },
  { name: 'autoscaling change with nothing to change', method: 'PUT', url: '/pipelines/m-45/autoscaling', ...json({}), status: 400, field: '/' },
  { name: 'replay speedup of zero', method: 'PUT', url: '/pipelines/m-46/replay/speedup', ...json({ speedup: 0 }), status: 400, field: '/speedup' },
  { name: 'speedup change without a speedup', method: 'PUT', url: '/pipelines/m-50/replay/speedup', ...json({}), status: 400, field: '/speedup', rule: 'is required' },
  { name: 'unknown replay control (no such path)', url: '/pipelines/m-47/replay/rewind', status: 404 },
  { name: 'replay speedup with POST (a PUT-only path)', url: '/pipelines/m-47/replay/speedup', ...json({ speedup: 2 }), status: 405 },
  { name: 'empty replay source', url: '/pipelines/m-48/replay', ...json({ source: '' }), status: 400, field: '/source', rule: 'must NOT have fewer than 1 characters' },
  { name: 'empty teardown reason', method: 'DELETE', url: '/pipelines/m-49?reason=', status: 400, field: '/reason' },
];

describe('malformed requests', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('covers at least 30 distinct malformed requests', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('rejects $name with $status problem+json naming the field and rule', async (c) => {
    const method = c.method ?? 'POST';
    const hasBody = c.raw !== undefined || c.body !== undefined;
    const response = await api.app.inject({
      method,
      url: c.url ?? '/pipelines',
      headers: {
        ...(hasBody ? { 'content-type': c.contentType ?? 'application/json' } : {}),
        ...c.headers,
      },
      ...(hasBody ? { payload: c.raw ?? JSON.stringify(c.body) } : {}),
    });
    expect(response.statusCode).toBe(c.status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ status: c.status, instance: (c.url ?? '/pipelines').split('?')[0] });
    expect(problem.type).toMatch(/^urn:shardpilot:problem:/);
    expect(typeof problem.title).toBe('string');
    expect(typeof problem.detail).toBe('string');
    expect(response.body).not.toMatch(/\n\s+at /);
    if (c.field !== undefined) {
      const entry = (problem.errors as Array<{ field: string; rule: string }>).find((e) => e.field === c.field);
      expect(entry, `errors: ${JSON.stringify(problem.errors)}`).toBeDefined();
      if (c.rule !== undefined) expect(entry!.rule).toMatch(typeof c.rule === 'string' ? new RegExp(`^${c.rule.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : c.rule);
    }
  });

  it('starts no workflow for any of them', async () => {
    // Give visibility a moment: a start that slipped through would show up by now.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await countWorkflowsOn(api.client, api.taskQueue)).toBe(0);
    for (const id of ['m-01', 'm-21', 'm-22', 'm-32', 'm-34', 'm-51', 'm-52']) {
      await expect(api.client.workflow.getHandle(`pipeline-${id}`).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    }
  });
});
