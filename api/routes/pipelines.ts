/** The pipeline resource: create (idempotent), list, read, events, teardown. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PipelineSpecInput } from '../../model/spec.js';
import type { TemporalConfig } from '../../config/index.js';
import { pipelineWorkflowId } from '../../workflows/contract.js';
import { withAge } from '../freshness.js';
import { pipelineLinks } from '../links.js';
import { PipelineParams, WRITE_PROBLEMS, problemResponses } from '../schemas/common.js';
import {
  CreatePipelineHeaders, CreatePipelineResponse, ListPipelinesQuery, ListPipelinesResponse, PipelineEventsResponse,
  PipelineStatusResponse, TeardownQuery, TeardownResponse,
} from '../schemas/pipelines.js';

export interface PipelineRoutesOptions {
  temporal: Pick<TemporalConfig, 'uiUrl' | 'namespace'>;
}

const pipelineRoutes: FastifyPluginAsyncTypebox<PipelineRoutesOptions> = async (app, { temporal }) => {
  app.post('/pipelines', {
    schema: {
      tags: ['pipelines'],
      summary: 'Create a pipeline (idempotent with a client-chosen id or Idempotency-Key)',
      description: 'Starts the pipeline workflow. The same id with the same resolved spec returns the existing pipeline (200); '
        + 'with a different spec, 409. Without an id one is generated.',
      headers: CreatePipelineHeaders,
      body: PipelineSpecInput,
      response: {
        201: CreatePipelineResponse,
        200: CreatePipelineResponse,
        ...problemResponses(...WRITE_PROBLEMS, 409, 422),
      },
    },
  }, async (request, reply) => {
    const result = await app.pipelines.create(request.body, request.headers['idempotency-key']);
    const links = pipelineLinks(result.id, temporal);
    reply.header('location', links.self);
    return reply.code(result.created ? 201 : 200).send({ ...result, links });
  });

  app.get('/pipelines', {
    schema: {
      tags: ['pipelines'],
      summary: 'List pipelines from Temporal visibility',
      description: 'Visibility is eventually consistent (a new phase shows within about a second). Concurrent lists with the same '
        + 'parameters share one visibility query, and the last answer is served while a newer one is fetched in the background, '
        + 'never older than API_READ_MAX_STALENESS_MS; `freshness` and the `Age` header state its age. A create or delete through '
        + 'this API makes the next list wait for visibility again.',
      querystring: ListPipelinesQuery,
      response: { 200: ListPipelinesResponse, ...problemResponses(400, 422) },
    },
  }, async (request, reply) => {
    const { phase, pageSize, nextPageToken } = request.query;
    const read = await app.pipelines.list({ phase, pageSize, nextPageToken });
    const page = withAge(reply, read);
    return {
      pipelines: page.pipelines.map((p) => ({ ...p, links: pipelineLinks(p.id, temporal) })),
      nextPageToken: page.nextPageToken,
      freshness: read.freshness,
    };
  });

  app.get('/pipelines/:id', {
    schema: {
      tags: ['pipelines'],
      summary: 'Read a pipeline\'s status (published by the workflow in its memo)',
      description: 'The workflow publishes its status in its memo on every change; Temporal answers it without the pipeline\'s '
        + 'worker (runs started before this existed answer the status query). Once a pipeline has been read, its reads are served '
        + 'from a snapshot and do not wait: a snapshot older than API_READ_FRESH_MS is served while one background read (per pipeline, a bounded '
        + 'number at once) refreshes it. No snapshot older than API_READ_MAX_STALENESS_MS is ever served: the first read, a read '
        + 'past that bound and the first read after a change through this API wait for the workflow, and get 503 with Retry-After '
        + 'when it does not answer in time and no snapshot within the bound exists. `freshness` states the age and the bound; '
        + 'the `Age` header gives it in seconds.',
      params: PipelineParams,
      response: { 200: PipelineStatusResponse, ...problemResponses(400, 404, 409) },
    },
  }, async (request, reply) => {
    const read = await app.pipelines.status(request.params.id);
    return { ...withAge(reply, read), freshness: read.freshness };
  });

  app.get('/pipelines/:id/events', {
    schema: {
      tags: ['pipelines'],
      summary: 'Read a pipeline\'s lifecycle events (bounded list, oldest first)',
      params: PipelineParams,
      response: { 200: PipelineEventsResponse, ...problemResponses(400, 404, 409) },
    },
  }, async (request, reply) => ({ id: request.params.id, events: withAge(reply, await app.pipelines.events(request.params.id)) }));

  app.delete('/pipelines/:id', {
    schema: {
      tags: ['pipelines'],
      summary: 'Tear a pipeline down (asynchronous: 202, then watch its phase)',
      description: 'Signals the pipeline workflow to tear down: a running scaling action is first brought to a safe end '
        + '(finished or rolled back), then the Flink application and the stream are deleted unless the pipeline adopted them. '
        + 'Answers 202 at once; follow `links.self` until `phase` is DELETED. Idempotent: repeating it, or deleting a pipeline '
        + 'that has already finished, is 202 again with a message saying so. 404 when no pipeline ever had this id. '
        + 'The id can be reused by a new POST /pipelines once the workflow has closed.',
      params: PipelineParams,
      querystring: TeardownQuery,
      response: { 202: TeardownResponse, ...problemResponses(400, 404, 409, 429) },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const { alreadyClosed } = await app.pipelines.teardown(id, request.query.reason);
    return reply.code(202).send({
      id,
      workflowId: pipelineWorkflowId(id),
      message: alreadyClosed ? 'The pipeline workflow has already finished; nothing to tear down.' : 'Teardown requested.',
      links: pipelineLinks(id, temporal),
    });
  });
};

export default pipelineRoutes;
