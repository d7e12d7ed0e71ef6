/** The taxi replay of a pipeline: start, pause/resume/stop, speedup, progress. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ProblemError } from '../errors.js';
import { withAge } from '../freshness.js';
import { WRITE_PROBLEMS, PipelineParams, problemResponses } from '../schemas/common.js';
import { REPLAY_CONTROLS, ReplayProgressResponse, ReplaySpeedupBody, ReplayStartBody } from '../schemas/replay.js';

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

  // One path per control rather than `/replay/:action`: a parameter there would also swallow
  // `POST /replay/speedup` (a PUT-only path) and answer it 400 instead of 405.
  for (const action of REPLAY_CONTROLS) {
    app.post(`/pipelines/:id/replay/${action}`, {
      schema: {
        tags: ['replay'],
        summary: `${action[0]?.toUpperCase()}${action.slice(1)} the replay`,
        params: PipelineParams,
        response: { 200: ReplayProgressResponse, ...problemResponses(400, 404, 409, 429) },
      },
    }, async (request) => app.pipelines.controlReplay(request.params.id, { action }));
  }

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
      response: { 200: ReplayProgressResponse, ...problemResponses(400, 404, 409) },
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
