/**
 * Hostile-input hardening of the API: undeclared methods are 405 with Allow (not 404),
 * mutating routes are rate limited per client while reads are not, and a 503 tells the
 * client when to come back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countWorkflowsOn, startTestApi, type TestApi } from './support/app.js';

describe('method not allowed', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  it.each([
    ['TRACE', '/healthz', 'GET, HEAD'],
    ['PUT', '/pipelines', 'GET, HEAD, POST'],
    ['PATCH', '/pipelines/some-id', 'DELETE, GET, HEAD'],
    ['DELETE', '/pipelines/some-id/scale', 'POST'],
  ] as const)('answers %s %s with 405 problem+json and Allow: %s', async (method, url, allow) => {
    const response = await api.app.inject({ method, url });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe(allow);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 405, instance: url.split('?')[0] });
  });

  it('still answers 404 for a path the API does not have', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/nowhere/at/all' });
    expect(response.statusCode).toBe(404);
  });
});

describe('per-client rate limit on mutating routes', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ env: { API_WRITE_RATE_LIMIT_PER_MINUTE: '3' } });
  });

  afterAll(async () => {
    await api?.close();
  });

  // Invalid bodies are cheap to send and never start a workflow, which is exactly what a flood looks like.
  const write = (remoteAddress: string) => api.app.inject({ method: 'POST', url: '/pipelines', payload: { id: 'Not Valid' }, remoteAddress });

  it('answers 429 problem+json with Retry-After once a client exceeds its budget, and starts nothing', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await write('10.0.0.1')).statusCode);
    expect(statuses).toEqual([400, 400, 400, 429]);
    const limited = await write('10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.json()).toMatchObject({ status: 429, title: 'Too many requests' });
    expect(await countWorkflowsOn(api.client, api.taskQueue)).toBe(0);
  });

  it('keeps another client\'s budget separate', async () => {
    expect((await write('10.0.0.2')).statusCode).toBe(400);
  });

  it('does not limit reads (they are coalesced and cached instead)', async () => {
    for (let i = 0; i < 6; i++) {
      const response = await api.app.inject({ method: 'GET', url: '/pipelines?pageSize=1', remoteAddress: '10.0.0.1' });
      expect(response.statusCode).toBe(200);
    }
  });
});
