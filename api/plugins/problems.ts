/**
 * The one error handler: everything a route throws, and every unknown route, leaves as
 * application/problem+json. Server-side failures are logged in full and answered
 * without detail.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { PROBLEM_CONTENT_TYPE, toProblem, type Problem } from '../errors.js';

const problemsPlugin: FastifyPluginAsync = async (app) => {
  app.setErrorHandler(async (error, request, reply) => {
    const problem = toProblem(error, request.url.split('?')[0] ?? request.url);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status: problem.status, problemType: problem.type }, problem.detail);
    return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
  });
  app.setNotFoundHandler(async (request, reply) => {
    const instance = request.url.split('?')[0] ?? request.url;
    const problem: Problem = {
      type: 'urn:shardpilot:problem:route-not-found',
      title: 'Not found',
      status: 404,
      detail: `No route ${request.method} ${instance}.`,
      instance,
    };
    return reply.code(404).type(PROBLEM_CONTENT_TYPE).send(problem);
  });
};

export default fp(problemsPlugin, { name: 'problems' });
