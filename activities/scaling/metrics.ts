/**
 * One GetMetricData call for every series the scaling policies read, turned into one
 * `MetricsSample` per complete period. A period without a datapoint stays `null`: the
 * policy decides what missing data means, never this reader.
 */
import {
  GetMetricDataCommand, type CloudWatchClient, type Dimension, type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import type { MetricsSample } from '../../scaling/types.js';
import { callAws } from '../aws/errors.js';
import type { ScalingResources } from './types.js';

type SampleField = Exclude<keyof MetricsSample, 'timestamp' | 'periodSeconds'>;

interface SeriesSpec {
  field: SampleField;
  namespace: 'AWS/Kinesis' | 'AWS/KinesisAnalytics';
  metricName: string;
  stat: 'Sum' | 'Maximum' | 'Average';
  dimensions: (r: ScalingResources) => Dimension[];
}

const streamDims = (r: ScalingResources): Dimension[] => [{ Name: 'StreamName', Value: r.streamName }];
const appDims = (r: ScalingResources): Dimension[] => [{ Name: 'Application', Value: r.applicationName }];
/** AWS publishes the Kinesis source's lag per input: Application, Flow=Input, Id=<stream>. */
const lagDims = (r: ScalingResources): Dimension[] => [
  { Name: 'Application', Value: r.applicationName },
  { Name: 'Flow', Value: 'Input' },
  { Name: 'Id', Value: r.streamName.replace(/[^a-zA-Z0-9_]/g, '_') },
];

export const SERIES: readonly SeriesSpec[] = [
  { field: 'incomingRecords', namespace: 'AWS/Kinesis', metricName: 'IncomingRecords', stat: 'Sum', dimensions: streamDims },
  { field: 'incomingBytes', namespace: 'AWS/Kinesis', metricName: 'IncomingBytes', stat: 'Sum', dimensions: streamDims },
  {
    field: 'writeProvisionedThroughputExceeded', namespace: 'AWS/Kinesis', metricName: 'WriteProvisionedThroughputExceeded',
    stat: 'Sum', dimensions: streamDims,
  },
  { field: 'iteratorAgeMs', namespace: 'AWS/Kinesis', metricName: 'GetRecords.IteratorAgeMilliseconds', stat: 'Maximum', dimensions: streamDims },
  // With KPL aggregation, the job's user records per Kinesis record read (article-step sizes Flink on user records).
  { field: 'getRecordsRecords', namespace: 'AWS/Kinesis', metricName: 'GetRecords.Records', stat: 'Sum', dimensions: streamDims },
  { field: 'millisBehindLatest', namespace: 'AWS/KinesisAnalytics', metricName: 'millisBehindLatest', stat: 'Maximum', dimensions: lagDims },
  { field: 'numRecordsInPerSecond', namespace: 'AWS/KinesisAnalytics', metricName: 'numRecordsInPerSecond', stat: 'Average', dimensions: appDims },
  { field: 'cpuUtilization', namespace: 'AWS/KinesisAnalytics', metricName: 'cpuUtilization', stat: 'Average', dimensions: appDims },
  { field: 'kpus', namespace: 'AWS/KinesisAnalytics', metricName: 'KPUs', stat: 'Maximum', dimensions: appDims },
  { field: 'downtime', namespace: 'AWS/KinesisAnalytics', metricName: 'downtime', stat: 'Maximum', dimensions: appDims },
  { field: 'fullRestarts', namespace: 'AWS/KinesisAnalytics', metricName: 'fullRestarts', stat: 'Maximum', dimensions: appDims },
  // Flink 2.x publishes the restart count as numRestarts instead; either one fills fullRestarts.
  { field: 'fullRestarts', namespace: 'AWS/KinesisAnalytics', metricName: 'numRestarts', stat: 'Maximum', dimensions: appDims },
];

export { periodsToRead, type PeriodRange } from '../../scaling/periods.js';
import type { PeriodRange } from '../../scaling/periods.js';

function queries(resources: ScalingResources, periodSeconds: number): MetricDataQuery[] {
  return SERIES.map((s, i) => ({
    Id: `m${i}`,
    Label: s.field,
    ReturnData: true,
    MetricStat: {
      Metric: { Namespace: s.namespace, MetricName: s.metricName, Dimensions: s.dimensions(resources) },
      Period: periodSeconds,
      Stat: s.stat,
    },
  }));
}

function emptySample(timestamp: number, periodSeconds: number): MetricsSample {
  return {
    timestamp, periodSeconds,
    incomingRecords: null, incomingBytes: null, writeProvisionedThroughputExceeded: null, iteratorAgeMs: null, getRecordsRecords: null,
    millisBehindLatest: null, numRecordsInPerSecond: null, cpuUtilization: null, kpus: null, downtime: null, fullRestarts: null,
  };
}

/** Reads every series for `range` in one GetMetricData call (following NextToken only when CloudWatch splits the answer). */
export async function readSamples(cloudwatch: CloudWatchClient, resources: ScalingResources, range: PeriodRange): Promise<MetricsSample[]> {
  const { start, end, periodSeconds } = range;
  if (end <= start) return [];
  const samples = new Map<number, MetricsSample>();
  for (let t = start; t < end; t += periodSeconds) samples.set(t, emptySample(t, periodSeconds));
  const byId = new Map(SERIES.map((s, i) => [`m${i}`, s.field]));
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const out = await callAws(`reading metrics of ${resources.streamName} and ${resources.applicationName}`, () => cloudwatch.send(new GetMetricDataCommand({
      MetricDataQueries: queries(resources, periodSeconds),
      StartTime: new Date(start * 1000),
      EndTime: new Date(end * 1000),
      ScanBy: 'TimestampAscending',
      NextToken: token,
    })));
    for (const result of out.MetricDataResults ?? []) {
      const field = byId.get(result.Id ?? '');
      if (field === undefined) continue;
      const timestamps = result.Timestamps ?? [];
      const values = result.Values ?? [];
      timestamps.forEach((ts, i) => {
        const sample = samples.get(Math.floor(ts.getTime() / 1000));
        const value = values[i];
        if (sample !== undefined && value !== undefined) sample[field] = value;
      });
    }
    nextToken = out.NextToken;
  } while (nextToken !== undefined);
  return [...samples.values()];
}
