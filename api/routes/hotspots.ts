/**
 * What the dashboard needs beyond the pipeline's own queries: the Flink job's hot-spot
 * results (read by the API, so the browser never talks to the emulator) and the links
 * to the pipeline's workflows and CloudWatch dashboard.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppConfig } from '../../config/index.js';
import { pipelineDashboardName } from '../../model/dashboard.js';
import { pipelineWorkflowId, replayWorkflowId } from '../../workflows/contract.js';
import { readHotspots } from '../hotspots/results.js';
import { PipelineParams, problemResponses } from '../schemas/common.js';
import { HotspotsResponse, WorkflowLinksResponse } from '../schemas/hotspots.js';

export interface HotspotRoutesOptions {
  config: Pick<AppConfig, 'temporal' | 'aws'>;
  /** Bound on reading the emulator's results (default 5 s). */
  resultsTimeoutMs?: number;
}

const calibrationWorkflowId = (pipelineId: string): string => `calibration-${pipelineId}`;

const hotspotRoutes: FastifyPluginAsyncTypebox<HotspotRoutesOptions> = async (app, { config, resultsTimeoutMs }) => {
  const { temporal, aws } = config;
  const workflowUrl = (workflowId: string) =>
    `${temporal.uiUrl}/namespaces/${encodeURIComponent(temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;

  app.get('/pipelines/:id/hotspots', {
    schema: {
      tags: ['results'],
      summary: 'The Flink job\'s results: pickups per geohash-7 cell per hour, airport trip durations per geohash-6 area',
      description: 'In the emulator, read from the simulated job; against AWS, `message` says where the results live (the job\'s sink).',
      params: PipelineParams,
      response: { 200: HotspotsResponse, ...problemResponses(400, 404, 409) },
    },
  }, async (request) => {
    const { id } = request.params;
    const { value: status } = await app.pipelines.status(id);
    return readHotspots(id, status.resources.applicationName, {
      flinkEndpoint: aws.endpoints.flink,
      timeoutMs: resultsTimeoutMs ?? 5_000,
    });
  });

  app.get('/pipelines/:id/links', {
    schema: {
      tags: ['pipelines'],
      summary: 'Links to the pipeline\'s workflows in the Temporal UI and to its CloudWatch dashboard',
      params: PipelineParams,
      response: { 200: WorkflowLinksResponse, ...problemResponses(400) },
    },
  }, async (request) => {
    const { id } = request.params;
    const dashboardName = pipelineDashboardName(id);
    return {
      id,
      temporalUi: {
        pipeline: workflowUrl(pipelineWorkflowId(id)),
        replay: workflowUrl(replayWorkflowId(id)),
        calibration: workflowUrl(calibrationWorkflowId(id)),
      },
      cloudwatchDashboard: aws.endpoints.cloudwatch === undefined
        ? `https://${aws.region}.console.aws.amazon.com/cloudwatch/home?region=${aws.region}#dashboards/dashboard/${dashboardName}`
        : null,
      dashboardName,
    };
  });
};

export default hotspotRoutes;
