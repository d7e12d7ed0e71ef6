/**
 * Reads back one calibration step's CloudWatch periods: what the job processed, its
 * lag, CPU, heap and backpressure. One GetMetricData call per step.
 */
import { GetMetricDataCommand, type CloudWatchClient, type Dimension } from '@aws-sdk/client-cloudwatch';
import { callAws } from '../aws/errors.js';
import type { PeriodFigures } from '../../workflows/calibration/analysis.js';

export interface StepMetricsInput {
  streamName: string;
  applicationName: string;
  periodSeconds: number;
  /** Epoch seconds, multiples of the period: [start, end). */
  start: number;
  end: number;
}

type Field = Exclude<keyof PeriodFigures, 'timestamp'>;

const SERIES: Array<{ field: Field; metricName: string; stat: 'Average' | 'Maximum'; lag?: true }> = [
  { field: 'processed', metricName: 'numRecordsInPerSecond', stat: 'Average' },
  { field: 'lagMs', metricName: 'millisBehindLatest', stat: 'Maximum', lag: true },
  { field: 'cpu', metricName: 'cpuUtilization', stat: 'Average' },
  { field: 'containerCpu', metricName: 'containerCPUUtilization', stat: 'Average' },
  { field: 'heap', metricName: 'heapMemoryUtilization', stat: 'Average' },
  { field: 'backpressure', metricName: 'backPressuredTimeMsPerSecond', stat: 'Average' },
];

function dimensions(input: StepMetricsInput, lag: boolean): Dimension[] {
  const app = [{ Name: 'Application', Value: input.applicationName }];
  // AWS publishes the Kinesis source's lag per input: Application, Flow=Input, Id=<stream>.
  return lag ? [...app, { Name: 'Flow', Value: 'Input' }, { Name: 'Id', Value: input.streamName.replace(/[^a-zA-Z0-9_]/g, '_') }] : app;
}

export async function readStepMetrics(cloudwatch: CloudWatchClient, input: StepMetricsInput): Promise<PeriodFigures[]> {
  const periods = new Map<number, PeriodFigures>();
  for (let t = input.start; t < input.end; t += input.periodSeconds) {
    periods.set(t, { timestamp: t, processed: null, lagMs: null, cpu: null, containerCpu: null, heap: null, backpressure: null });
  }
  if (periods.size === 0) return [];
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const out = await callAws(`reading calibration metrics of ${input.applicationName}`, () => cloudwatch.send(new GetMetricDataCommand({
      MetricDataQueries: SERIES.map((s, i) => ({
        Id: `c${i}`,
        ReturnData: true,
        MetricStat: {
          Metric: { Namespace: 'AWS/KinesisAnalytics', MetricName: s.metricName, Dimensions: dimensions(input, s.lag === true) },
          Period: input.periodSeconds,
          Stat: s.stat,
        },
      })),
      StartTime: new Date(input.start * 1000),
      EndTime: new Date(input.end * 1000),
      ScanBy: 'TimestampAscending',
      NextToken: token,
    })));
    for (const result of out.MetricDataResults ?? []) {
      const field = SERIES[Number((result.Id ?? '').slice(1))]?.field;
      if (field === undefined) continue;
      (result.Timestamps ?? []).forEach((ts, i) => {
        const period = periods.get(Math.floor(ts.getTime() / 1000));
        const value = result.Values?.[i];
        if (period !== undefined && value !== undefined) period[field] = value;
      });
    }
    nextToken = out.NextToken;
  } while (nextToken !== undefined);
  return [...periods.values()];
}
