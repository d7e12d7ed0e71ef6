/**
 * The OpenAPI document is generated from the route schemas: it must be a valid
 * OpenAPI 3.1 document and list every route the API serves, with its request schemas.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support/app.js';

const ROUTES: Array<[string, string]> = [
  ['post', '/pipelines'],
  ['get', '/pipelines'],
  ['get', '/pipelines/{id}'],
  ['get', '/pipelines/{id}/events'],
  ['delete', '/pipelines/{id}'],
  ['post', '/pipelines/{id}/scale'],
  ['put', '/pipelines/{id}/autoscaling'],
  ['get', '/pipelines/{id}/scaling'],
  ['get', '/pipelines/{id}/metrics'],
  ['post', '/pipelines/{id}/replay'],
  ['post', '/pipelines/{id}/replay/pause'],
  ['post', '/pipelines/{id}/replay/resume'],
  ['post', '/pipelines/{id}/replay/stop'],
  ['put', '/pipelines/{id}/replay/speedup'],
  ['get', '/pipelines/{id}/replay'],
  ['get', '/pipelines/{id}/hotspots'],
  ['get', '/pipelines/{id}/links'],
  ['post', '/pipelines/{id}/calibrate'],
  ['get', '/pipelines/{id}/calibration'],
  ['delete', '/pipelines/{id}/calibration'],
  ['post', '/pipelines/{id}/calibration/apply'],
  ['get', '/healthz'],
  ['get', '/readyz'],
  ['get', '/dashboard'],
  ['get', '/dashboard/{id}'],
  ['get', '/dashboard/assets/{name}'],
];

describe('OpenAPI document', () => {
  let api: TestApi;
  // The document is checked by the validator first; property access below is deliberately loose.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let doc: Record<string, any>;

  beforeAll(async () => {
    api = await startTestApi();
    const response = await api.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    doc = response.json();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('declares bearer security when the server has an API_TOKEN', async () => {
    const secured = await startTestApi({ env: { API_TOKEN: 'openapi-test-token' } });
    try {
      const securedDoc = (await secured.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      expect(securedDoc.security).toEqual([{ bearerAuth: [] }]);
      expect(securedDoc.paths['/healthz'].get.security).toEqual([]);
    } finally {
      await secured.close();
    }
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('lists every route the API serves, and nothing else', () => {
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).filter((k) => k !== 'parameters').map((method) => `${method} ${path}`))
      .sort();
    expect(listed).toEqual(ROUTES.map(([m, p]) => `${m} ${p}`).sort());
  });

  it('documents the request schemas and the problem responses', () => {
    const create = doc.paths['/pipelines'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.stream.properties.shardCount).toMatchObject({ minimum: 1, maximum: 10000, default: 8 });
    expect(Object.keys(create.responses).sort()).toEqual(['200', '201', '400', '401', '409', '413', '415', '422', '429', '503']);
    expect(Object.keys(create.responses['400'].content)).toEqual(['application/problem+json']);
    expect(create.parameters.some((p: { in: string; name: string }) => p.in === 'header' && p.name === 'idempotency-key')).toBe(true);
    const list = doc.paths['/pipelines'].get;
    expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['nextPageToken', 'pageSize', 'phase']);
    expect(doc.paths['/pipelines/{id}/scale'].post.responses['409'].description).toMatch(/refused/);
  });

  it('declares no security while the server has no API_TOKEN (clients see what the server does)', () => {
    expect(doc.security).toBeUndefined();
    expect(doc.components?.securitySchemes).toBeUndefined();
  });

  it('documents every problem response as application/problem+json, as it is served', () => {
    const wrongMediaTypes: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, { content?: object }> }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) >= 400 && Object.keys(response.content ?? {}).join() !== 'application/problem+json') wrongMediaTypes.push(`${method} ${path} ${status}`);
        }
      }
    }
    expect(wrongMediaTypes).toEqual([]);
  });

  it('says what DELETE does: asynchronous, idempotent, and when the id can be reused', () => {
    const description = doc.paths['/pipelines/{id}'].delete.description as string;
    expect(description).toMatch(/202/);
    expect(description).toMatch(/Idempotent/);
    expect(description).toMatch(/DELETED/);
  });

  it('states at least one scale target in the schema, not only in the handler', () => {
    expect(doc.paths['/pipelines/{id}/scale'].post.requestBody.content['application/json'].schema.anyOf)
      .toEqual([{ required: ['shards'] }, { required: ['parallelism'] }, { required: ['parallelismPerKpu'] }]);
  });

  it('serves the Swagger UI at /docs', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toMatch(/swagger/i);
  });
});
