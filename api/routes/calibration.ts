/** The calibration resource of a pipeline: start (202), progress and result, cancel, apply. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TemporalConfig } from '../../config/index.js';
import { BODY_PROBLEMS, PipelineParams, problemResponses } from '../schemas/common.js';
import {
  CalibrationApplied, CalibrationApplyRequest, CalibrationRequest, CalibrationStarted, CalibrationStatus,
} from '../schemas/calibration.js';
import { CalibrationGateway } from '../temporal/calibration.js';

export interface CalibrationRouteOptions {
  temporal: Pick<TemporalConfig, 'taskQueue' | 'uiUrl' | 'namespace'>;
  callTimeoutMs: number;
}

const calibrationRoutes: FastifyPluginAsyncTypebox<CalibrationRouteOptions> = async (app, options) => {
  const calibrations = new CalibrationGateway(app.temporal, app.pipelines, {
    taskQueue: options.temporal.taskQueue,
    uiUrl: options.temporal.uiUrl,
    namespace: options.temporal.namespace,
    callTimeoutMs: options.callTimeoutMs,
  });

  app.post('/pipelines/:id/calibrate', {
    schema: {
      tags: ['calibration'],
      summary: 'Start a KPU calibration: stepped load at a fixed parallelism, per ParallelismPerKPU, within a time and cost budget',
      description: 'Pauses autoscaling and the replay, measures, and restores the pipeline afterwards (also when cancelled or out of budget). ' +
        'A plan that cannot fit the budget or the stream is refused with 422 before anything changes; a running calibration makes it 409.',
      params: PipelineParams,
      body: CalibrationRequest,
      response: { 202: CalibrationStarted, ...problemResponses(...BODY_PROBLEMS, 404, 409, 422) },
    },
  }, async (request, reply) => {
    const started = await calibrations.start(request.params.id, request.body);
    return reply.code(202).header('location', started.status).send(started);
  });

  app.get('/pipelines/:id/calibration', {
    schema: {
      tags: ['calibration'],
      summary: 'Progress and result of the latest calibration: each step\'s evidence, the rates per parallelism unit and per KPU, the recommendation',
      params: PipelineParams,
      response: { 200: CalibrationStatus, ...problemResponses(400, 404) },
    },
  }, async (request) => calibrations.status(request.params.id));

  app.delete('/pipelines/:id/calibration', {
    schema: {
      tags: ['calibration'],
      summary: 'Cancel the running calibration; it restores capacity, replay and autoscaling before it ends',
      params: PipelineParams,
      response: { 202: CalibrationStatus, ...problemResponses(400, 404, 409) },
    },
  }, async (request, reply) => reply.code(202).send(await calibrations.cancel(request.params.id)));

  app.post('/pipelines/:id/calibration/apply', {
    schema: {
      tags: ['calibration'],
      summary: 'Apply the result: the policy\'s per-unit rate, and optionally the recommended ParallelismPerKPU (a verified scaling action)',
      params: PipelineParams,
      body: CalibrationApplyRequest,
      response: { 200: CalibrationApplied, ...problemResponses(...BODY_PROBLEMS, 404, 409) },
    },
  }, async (request) => calibrations.apply(request.params.id, request.body));
};

export default calibrationRoutes;
