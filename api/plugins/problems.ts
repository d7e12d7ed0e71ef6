/**
 * The one error handler: everything a route throws, and every unknown route, leaves as
 * application/problem+json. Server-side failures are logged in full and answered
 * without detail. A known path asked with a method it does not have is a 405 with
 * `Allow`, not a 404. A 503 carries Retry-After: it is always a passing condition
 * (Temporal restarting, a worker busy), and clients should come back rather than give up.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { PROBLEM_CONTENT_TYPE, toProblem, type Problem } from '../errors.js';

/** Seconds a client should wait after a 503. */
export const RETRY_AFTER_SECONDS = 2;

interface KnownPath {
  pattern: RegExp;
  methods: Set<string>;
}

/** `/pipelines/:id/replay/:action` → a regex matching concrete paths of that shape. */
function pathPattern(url: string): RegExp {
  const escaped = url.split('/').map((part) => {
    if (part.startsWith(':')) return '[^/]+';
    if (part === '*') return '.*';
    return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join('/');
  return new RegExp(`^${escaped}/?$`);
}

const problemsPlugin: FastifyPluginAsync = async (app) => {
  const known = new Map<string, KnownPath>();
  app.addHook('onRoute', (route) => {
    const entry = known.get(route.url) ?? { pattern: pathPattern(route.url), methods: new Set<string>() };
    for (const method of [route.method].flat()) entry.methods.add(method);
    known.set(route.url, entry);
  });

  /** No route for this method and path: 405 with Allow when the path exists with other methods, else 404. */
  const unmatched = (request: FastifyRequest, reply: FastifyReply) => {
    const instance = request.url.split('?')[0] ?? request.url;
    const allowed = new Set<string>();
    for (const { pattern, methods } of known.values()) {
      if (pattern.test(instance)) for (const m of methods) allowed.add(m);
    }
    if (allowed.size > 0) {
      const allow = [...allowed].sort().join(', ');
      const problem: Problem = {
        type: 'urn:shardpilot:problem:method-not-allowed',
        title: 'Method not allowed',
        status: 405,
        detail: `${instance} does not answer ${request.method}; it answers ${allow}.`,
        instance,
      };
      return reply.code(405).header('allow', allow).type(PROBLEM_CONTENT_TYPE).send(problem);
    }
    const problem: Problem = {
      type: 'urn:shardpilot:problem:route-not-found',
      title: 'Not found',
      status: 404,
      detail: `No route ${request.method} ${instance}.`,
      instance,
    };
    return reply.code(404).type(PROBLEM_CONTENT_TYPE).send(problem);
  };

  app.setErrorHandler(async (error, request, reply) => {
    // A request with no route can still fail before the not-found handler runs (e.g. a body
    // method such as QUERY without Content-Type): it is answered as unmatched all the same.
    if (request.is404) return unmatched(request, reply);
    const problem = toProblem(error, request.url.split('?')[0] ?? request.url);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status: problem.status, problemType: problem.type }, problem.detail);
    if (problem.status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
  });

  app.setNotFoundHandler(async (request, reply) => unmatched(request, reply));
};

export default fp(problemsPlugin, { name: 'problems' });
