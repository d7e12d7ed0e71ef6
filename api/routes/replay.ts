/** The taxi replay of a pipeline: start, pause/resume/stop, speedup, progress. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ProblemError } from '../errors.js';
import { withAge } from '../freshness.js';
import { WRITE_PROBLEMS, PipelineParams, problemResponses } from '../schemas/common.js';
import { ReplayControlParams, ReplayProgressResponse, ReplaySpeedupBody, ReplayStartBody } from '../schemas/replay.js';

const replayRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/pipelines/:id/replay', {
    schema: {
      tags: ['replay'],
      summary: 'Start the taxi replay into the pipeline\'s stream',
      params: PipelineParams,
      body: ReplayStartBody,
      response: { 200: ReplayProgressResponse, ...problemResponses(...WRITE_PROBLEMS, 404, 409) },
    },
  }, async (request) => app.pipelines.startReplay(request.params.id, request.body));

  app.post('/pipelines/:id/replay/:action', {
    schema: {
      tags: ['replay'],
      summary: 'Pause, resume or stop the replay',
      params: ReplayControlParams,
      response: { 200: ReplayProgressResponse, ...problemResponses(400, 404, 409, 429) },
    },
  }, async (request) => app.pipelines.controlReplay(request.params.id, { action: request.params.action }));

  app.put('/pipelines/:id/replay/speedup', {
    schema: {
      tags: ['replay'],
      summary: 'Change the replay speedup while it runs',
      params: PipelineParams,
      body: ReplaySpeedupBody,
      response: { 200: ReplayProgressResponse, ...problemResponses(...WRITE_PROBLEMS, 404, 409) },
    },
  }, async (request) => app.pipelines.controlReplay(request.params.id, { action: 'speedup', speedup: request.body.speedup }));

  app.get('/pipelines/:id/replay', {
    schema: {
      tags: ['replay'],
      summary: 'Replay progress',
      params: PipelineParams,
      response: { 200: ReplayProgressResponse, ...problemResponses(400, 404) },
    },
  }, async (request, reply) => {
    const progress = withAge(reply, await app.pipelines.replayProgress(request.params.id));
    if (progress === null) {
      throw new ProblemError(404, 'no-replay', 'No replay', `Pipeline "${request.params.id}" has no replay; start one with POST /pipelines/${request.params.id}/replay.`);
    }
    return progress;
  });
};

export default replayRoutes;
