/**
 * Builds the HTTP API as a Fastify instance without listening (api/server.ts listens;
 * tests use `app.inject()`). Everything it depends on arrives in `deps`.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppConfig } from '../config/index.js';
import authPlugin from './plugins/auth.js';
import logContextPlugin from './plugins/log-context.js';
import calibrationRoutes from './routes/calibration.js';
import openapiPlugin from './plugins/openapi.js';
import problemsPlugin from './plugins/problems.js';
import temporalPlugin, { type TemporalSource } from './plugins/temporal.js';
import writeRateLimitPlugin from './plugins/write-rate-limit.js';
import dashboardRoutes from './routes/dashboard.js';
import healthRoutes from './routes/health.js';
import hotspotRoutes from './routes/hotspots.js';
import pipelineRoutes from './routes/pipelines.js';
import replayRoutes from './routes/replay.js';
import scalingRoutes from './routes/scaling.js';
import { validatorCompiler } from './validation.js';

export interface AppDeps {
  config: AppConfig;
  /** A client the caller owns and closes, or a factory whose client the app closes with itself. */
  temporalClient: TemporalSource;
  /** Fastify logger option or instance; defaults to pino at `config.logLevel`. */
  logger?: FastifyServerOptions['logger'];
  /** Bound on a query/update waiting for the pipeline's worker (default 10 s). */
  callTimeoutMs?: number;
  /** Bound on the readiness probe's call to Temporal (default 2 s). */
  readinessTimeoutMs?: number;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: deps.logger ?? { level: config.logLevel },
    bodyLimit: config.api.bodyLimitBytes,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // Only JSON bodies: anything else is a 415, not a confusing validation error.
  app.removeContentTypeParser('text/plain');

  await app.register(problemsPlugin);
  await app.register(logContextPlugin);
  await app.register(authPlugin, { token: config.api.token });
  await app.register(temporalPlugin, {
    source: deps.temporalClient,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    callTimeoutMs: deps.callTimeoutMs ?? 10_000,
    readCache: { freshMs: config.api.readFreshMs, maxStalenessMs: config.api.readMaxStalenessMs },
  });
  await app.register(writeRateLimitPlugin, { perMinute: config.api.writeRateLimitPerMinute });
  await app.register(openapiPlugin, { authRequired: config.api.token !== undefined });

  await app.register(healthRoutes, { readinessTimeoutMs: deps.readinessTimeoutMs ?? 2_000 });
  await app.register(pipelineRoutes, { temporal: config.temporal });
  await app.register(scalingRoutes);
  await app.register(replayRoutes);
  await app.register(hotspotRoutes, { config });
  await app.register(calibrationRoutes, { temporal: config.temporal, callTimeoutMs: deps.callTimeoutMs ?? 10_000 });
  await app.register(dashboardRoutes);
  return app;
}
