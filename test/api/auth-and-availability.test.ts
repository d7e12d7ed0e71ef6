/**
 * Bearer-token auth when API_TOKEN is set, and 503 problems when Temporal is unreachable.
 */
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { createTemporalClient } from '../../api/temporal/connect.js';
import { loadConfig } from '../../config/index.js';
import { countWorkflowsOn, startTestApi, type TestApi } from './support/app.js';

const TOKEN = 's3cret-token-for-tests';

describe('bearer-token auth with API_TOKEN set', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ env: { API_TOKEN: TOKEN } });
  });

  afterAll(async () => {
    await api?.close();
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', `Bearer not-${TOKEN}`],
    ['another scheme', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`],
    ['an empty bearer', 'Bearer '],
  ])('answers 401 problem+json with %s', async (_label, authorization) => {
    const response = await api.app.inject({
      method: 'GET', url: '/pipelines', headers: authorization ? { authorization } : {},
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(response.json()).toMatchObject({ status: 401, title: 'Unauthorized', instance: '/pipelines' });
    expect(response.body).not.toContain(TOKEN);
  });

  it('refuses an unauthenticated create before it reaches Temporal', async () => {
    const response = await api.app.inject({ method: 'POST', url: '/pipelines', payload: { id: 'auth-x' } });
    expect(response.statusCode).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    expect(await countWorkflowsOn(api.client, api.taskQueue)).toBe(0);
  });

  it('serves the routes to the right token', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/pipelines?pageSize=1', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.statusCode).toBe(200);
  });

  it.each(['/healthz', '/readyz', '/openapi.json', '/docs/', '/dashboard', '/dashboard/some-pipeline', '/dashboard/assets/dashboard.js'])(
    'leaves %s open (probes, docs and the dashboard page carry no pipeline data)',
    async (url) => {
      const response = await api.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
    },
  );
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Temporal unreachable', () => {
  let app: FastifyInstance;
  let address: string;

  beforeAll(async () => {
    address = `127.0.0.1:${await closedPort()}`;
    const config = loadConfig({ TEMPORAL_ADDRESS: address, LOG_LEVEL: 'silent' });
    // The production client factory, as api/server.ts uses it; the app closes what it created.
    app = await buildApp({ config, temporalClient: () => createTemporalClient(config.temporal), readinessTimeoutMs: 1_000, callTimeoutMs: 2_000 });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('keeps /healthz at 200: the process itself is fine', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it.each([
    ['GET', '/readyz', undefined],
    ['GET', '/pipelines', undefined],
    ['POST', '/pipelines', { id: 'down-1' }],
    ['GET', '/pipelines/down-1', undefined],
    ['DELETE', '/pipelines/down-1', undefined],
    ['POST', '/pipelines/down-1/scale', { shards: 2 }],
  ] as const)('answers %s %s with 503 problem+json and Retry-After, without naming the address', async (method, url, payload) => {
    const started = Date.now();
    const response = await app.inject({ method, url, ...(payload ? { payload } : {}) });
    expect(response.statusCode).toBe(503);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 503, instance: url });
    expect(response.body).not.toContain(address.split(':')[1]!);
    expect(response.body).not.toMatch(/\n\s+at /);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
