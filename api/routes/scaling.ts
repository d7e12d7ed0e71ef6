/** The scaling resource of a pipeline: manual overrides, autoscaling settings, history, metrics. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { unprocessable } from '../errors.js';
import { withAge } from '../freshness.js';
import { policyParameterErrors } from '../validation.js';
import { PipelineParams, WRITE_PROBLEMS, problemResponses } from '../schemas/common.js';
import {
  AutoscalingChangeBody, AutoscalingSettingsResponse, MetricsResponse, ScaleRequest, ScaleResponse, ScalingHistoryResponse,
} from '../schemas/scaling.js';

const scalingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/pipelines/:id/scale', {
    schema: {
      tags: ['scaling'],
      summary: 'Override capacity now (verified and rolled back like any scaling action)',
      description: 'Answers with the accepted action, or 409 with the pipeline\'s reason when it refuses (e.g. more than 2× the open shards).',
      params: PipelineParams,
      body: ScaleRequest,
      response: { 200: ScaleResponse, ...problemResponses(...WRITE_PROBLEMS, 404, 409) },
    },
  }, async (request) => {
    const { shards, parallelism, parallelismPerKpu, reason } = request.body;
    return app.pipelines.scale(request.params.id, {
      ...(shards !== undefined ? { shards } : {}),
      ...(parallelism !== undefined ? { parallelism } : {}),
      ...(parallelismPerKpu !== undefined ? { parallelismPerKpu } : {}),
      ...(reason !== undefined ? { reason } : {}),
    });
  });

  app.put('/pipelines/:id/autoscaling', {
    schema: {
      tags: ['scaling'],
      summary: 'Pause/resume autoscaling or change its policy, interval, cooldown, bounds and parameters',
      params: PipelineParams,
      body: AutoscalingChangeBody,
      response: { 200: AutoscalingSettingsResponse, ...problemResponses(...WRITE_PROBLEMS, 404, 409, 422) },
    },
  }, async (request) => {
    const { policy, parameters } = request.body;
    // With a new policy in the same request its parameters can be judged here; otherwise the workflow judges them against the policy in force.
    if (policy !== undefined && parameters !== undefined) {
      const errors = policyParameterErrors(policy, parameters, '/parameters');
      if (errors.length > 0) throw unprocessable(errors);
    }
    return app.pipelines.changeAutoscaling(request.params.id, request.body);
  });

  app.get('/pipelines/:id/scaling', {
    schema: {
      tags: ['scaling'],
      summary: 'Scaling history: decisions, actions, verifications and rollbacks with reasons',
      params: PipelineParams,
      response: { 200: ScalingHistoryResponse, ...problemResponses(400, 404, 409) },
    },
  }, async (request, reply) => ({ id: request.params.id, history: withAge(reply, await app.pipelines.scalingHistory(request.params.id)) }));

  app.get('/pipelines/:id/metrics', {
    schema: {
      tags: ['scaling'],
      summary: 'The recent metric samples the control loop observed',
      params: PipelineParams,
      response: { 200: MetricsResponse, ...problemResponses(400, 404, 409) },
    },
  }, async (request, reply) => ({ id: request.params.id, samples: withAge(reply, await app.pipelines.metrics(request.params.id)) }));
};

export default scalingRoutes;
