/**
 * The OpenAPI document (generated from the route schemas) at /openapi.json and the
 * Swagger UI at /docs.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { truthfulRequestSchemas } from '../openapi-truth.js';

export const API_TAGS = [
  { name: 'pipelines', description: 'Create, list, read and tear down pipelines.' },
  { name: 'scaling', description: 'Manual scale overrides, autoscaling settings, history and metrics.' },
  { name: 'replay', description: 'The NYC taxi replay feeding a pipeline.' },
  { name: 'health', description: 'Liveness and readiness probes.' },
  { name: 'dashboard', description: 'The HTML dashboard.' },
];

export interface OpenapiPluginOptions {
  /** Whether the server checks a bearer token: the document declares security only then, so clients and fuzzers see the truth. */
  authRequired: boolean;
}

const openapiPlugin: FastifyPluginAsync<OpenapiPluginOptions> = async (app, { authRequired }) => {
  await app.register(swagger, {
    transform: truthfulRequestSchemas,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'shardpilot API',
        version: '0.1.0',
        description: 'Starts, signals, updates and queries the durable Temporal workflows that run Kinesis + Managed Flink pipelines. '
          + 'Errors are application/problem+json. When the server has API_TOKEN set, send `Authorization: Bearer <token>` '
          + '(not needed for /healthz, /readyz, the docs and the dashboard page).',
      },
      tags: API_TAGS,
      ...(authRequired
        ? { components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } }, security: [{ bearerAuth: [] }] }
        : {}),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
};

export default fp(openapiPlugin, { name: 'openapi' });
