/** Probes: /healthz says the process serves HTTP; /readyz says Temporal answers too. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { temporalUnavailable } from '../errors.js';
import { problemResponses } from '../schemas/common.js';

const HealthResponse = Type.Object({ status: Type.Literal('ok') });

export interface HealthRoutesOptions {
  readinessTimeoutMs: number;
}

const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, { readinessTimeoutMs }) => {
  app.get('/healthz', {
    schema: { tags: ['health'], summary: 'Liveness: the process serves HTTP', security: [], response: { 200: HealthResponse } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    schema: {
      tags: ['health'],
      summary: 'Readiness: Temporal answers',
      security: [],
      response: { 200: HealthResponse, 503: problemResponses()[503]! },
    },
  }, async (request) => {
    try {
      await app.pipelines.ping(readinessTimeoutMs);
    } catch (err) {
      request.log.warn({ err }, 'Temporal is not reachable');
      throw temporalUnavailable();
    }
    return { status: 'ok' as const };
  });
};

export default healthRoutes;
