/**
 * Optional bearer-token auth. When `API_TOKEN` is set, every route needs
 * `Authorization: Bearer <token>` except the health checks (probes carry no secrets),
 * the API docs and the dashboard's static files (they hold no pipeline data; the
 * dashboard page asks for the token and sends it on its API calls).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemError } from '../errors.js';

export interface AuthPluginOptions {
  token: string | undefined;
}

const PUBLIC_EXACT = new Set(['/healthz', '/readyz', '/openapi.json', '/dashboard', '/dashboard/:id']);
const PUBLIC_PREFIXES = ['/docs', '/dashboard/assets/'];

export function isPublicRoute(routeUrl: string | undefined): boolean {
  if (routeUrl === undefined) return false;
  return PUBLIC_EXACT.has(routeUrl) || PUBLIC_PREFIXES.some((prefix) => routeUrl.startsWith(prefix));
}

/** Compares digests so the comparison takes the same time whatever the guess. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

const authPlugin: FastifyPluginAsync<AuthPluginOptions> = async (app, { token }) => {
  if (token === undefined) return;
  app.addHook('onRequest', async (request, reply) => {
    if (isPublicRoute(request.routeOptions.url)) return;
    const given = bearerOf(request);
    if (given === undefined || !sameSecret(given, token)) {
      reply.header('www-authenticate', 'Bearer realm="shardpilot"');
      throw new ProblemError(401, 'unauthorized', 'Unauthorized', 'Send Authorization: Bearer <API_TOKEN>.');
    }
  });
};

export default fp(authPlugin, { name: 'auth' });
