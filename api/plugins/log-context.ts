/**
 * Puts the pipeline a request is about on its log lines (`pipelineId`, `workflowId`),
 * so the API's logs and the worker's can be joined per pipeline by a log shipper.
 * After routing (preHandler): only then are the path parameters known.
 */
import fp from 'fastify-plugin';

export default fp(async (app) => {
  app.addHook('preHandler', async (request, reply) => {
    const id = (request.params as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string') return;
    const log = request.log.child({ pipelineId: id, workflowId: `pipeline-${id}` });
    request.log = log;
    reply.log = log;
  });
}, { name: 'log-context' });
