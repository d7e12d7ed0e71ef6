/**
 * The pipeline's CloudWatch dashboard: the article's panels (incoming records and
 * bytes, write throttling, iterator age, millisBehindLatest, KPUs, CPU) for its stream
 * and application. PutDashboard replaces a dashboard wholesale, so creating is
 * naturally idempotent; deleting one that is already gone is "nothing to do".
 */
import { DeleteDashboardsCommand, PutDashboardCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { callAws, isNotFound, toFailure } from '../aws/errors.js';
import type { PipelineDashboardInput, StepResult } from './types.js';

type MetricRow = (string | { stat: string; label?: string })[];

interface Panel {
  title: string;
  metrics: MetricRow[];
  /** The y axis label: CloudWatch shows no unit unless told. */
  unit: string;
}

/** Same dimensions as the control loop reads (activities/scaling/metrics.ts). */
export function dashboardPanels(streamName: string, applicationName: string): Panel[] {
  const stream = ['StreamName', streamName];
  const app = ['Application', applicationName];
  const lagId = streamName.replace(/[^a-zA-Z0-9_]/g, '_');
  return [
    { title: 'Incoming records (Kinesis)', unit: 'records / 60 s', metrics: [['AWS/Kinesis', 'IncomingRecords', ...stream, { stat: 'Sum' }]] },
    { title: 'Incoming bytes (Kinesis)', unit: 'bytes / 60 s', metrics: [['AWS/Kinesis', 'IncomingBytes', ...stream, { stat: 'Sum' }]] },
    {
      title: 'Write throttling (Kinesis)', unit: 'records / 60 s',
      metrics: [['AWS/Kinesis', 'WriteProvisionedThroughputExceeded', ...stream, { stat: 'Sum' }]],
    },
    {
      title: 'Iterator age (Kinesis)', unit: 'ms',
      metrics: [['AWS/Kinesis', 'GetRecords.IteratorAgeMilliseconds', ...stream, { stat: 'Maximum' }]],
    },
    {
      title: 'millisBehindLatest (Flink source)', unit: 'ms',
      metrics: [['AWS/KinesisAnalytics', 'millisBehindLatest', ...app, 'Flow', 'Input', 'Id', lagId, { stat: 'Maximum' }]],
    },
    { title: 'KPUs (Flink)', unit: 'KPU', metrics: [['AWS/KinesisAnalytics', 'KPUs', ...app, { stat: 'Maximum' }]] },
    { title: 'CPU utilization (Flink)', unit: '%', metrics: [['AWS/KinesisAnalytics', 'cpuUtilization', ...app, { stat: 'Average' }]] },
  ];
}

/** The DashboardBody document: a title row, then the panels two per row. */
export function dashboardBody(input: PipelineDashboardInput, region: string): string {
  const widgets: unknown[] = [{
    type: 'text', x: 0, y: 0, width: 24, height: 2,
    properties: {
      markdown: `# shardpilot pipeline ${input.pipelineId}\nStream **${input.streamName}** → Flink application **${input.applicationName}**. `
        + 'Scaling decisions and their reasons: the pipeline\'s Temporal workflow and `GET /pipelines/:id/scaling`.',
    },
  }];
  dashboardPanels(input.streamName, input.applicationName).forEach((panel, i) => {
    widgets.push({
      type: 'metric', x: (i % 2) * 12, y: 2 + Math.floor(i / 2) * 6, width: 12, height: 6,
      properties: {
        title: panel.title, view: 'timeSeries', region, period: 60, stacked: false,
        metrics: panel.metrics,
        yAxis: { left: { label: panel.unit, showUnits: false, min: 0 } },
      },
    });
  });
  return JSON.stringify({ widgets });
}

export async function putPipelineDashboard(cloudwatch: CloudWatchClient, input: PipelineDashboardInput): Promise<StepResult> {
  const region = await cloudwatch.config.region();
  await callAws(`creating CloudWatch dashboard ${input.dashboardName}`, () =>
    cloudwatch.send(new PutDashboardCommand({ DashboardName: input.dashboardName, DashboardBody: dashboardBody(input, region) })),
  );
  return { acted: true, message: `CloudWatch dashboard ${input.dashboardName} shows the stream's and the application's metrics` };
}

export async function deletePipelineDashboard(cloudwatch: CloudWatchClient, dashboardName: string): Promise<StepResult> {
  try {
    await cloudwatch.send(new DeleteDashboardsCommand({ DashboardNames: [dashboardName] }));
    return { acted: true, message: `Deleted CloudWatch dashboard ${dashboardName}` };
  } catch (err) {
    if (isNotFound(err)) return { acted: false, message: `CloudWatch dashboard ${dashboardName} was already gone` };
    throw toFailure(err, `deleting CloudWatch dashboard ${dashboardName}`);
  }
}
