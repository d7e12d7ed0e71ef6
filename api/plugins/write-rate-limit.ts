/**
 * Per-client rate limit on the routes that change something (POST, PUT, PATCH, DELETE):
 * each one starts, signals or updates a workflow, so a runaway script must not be able to
 * flood Temporal. Reads are not limited here — they are coalesced and cached instead
 * (api/temporal/read-cache.ts). A client is its bearer token when it sends one (auth runs
 * first, so only a valid token gets a bucket), otherwise its address.
 */
import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemError } from '../errors.js';

export interface WriteRateLimitOptions {
  /** Mutating requests a client may make per minute. */
  perMinute: number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function clientKey(request: FastifyRequest): string {
  const auth = request.headers.authorization;
  if (auth) return `token:${createHash('sha256').update(auth).digest('hex').slice(0, 32)}`;
  return `ip:${request.ip}`;
}

const writeRateLimit: FastifyPluginAsync<WriteRateLimitOptions> = async (app, { perMinute }) => {
  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: clientKey,
    allowList: (request) => SAFE_METHODS.has(request.method),
    errorResponseBuilder: (_request, context) => new ProblemError(
      429,
      'too-many-requests',
      'Too many requests',
      `More than ${context.max} changes per minute from this client; retry in ${context.after}.`,
    ),
  });
};

export default fp(writeRateLimit, { name: 'write-rate-limit', dependencies: ['auth'] });
