import {
  GetMetricDataCommand, GetMetricStatisticsCommand, InvalidParameterCombinationException, InvalidParameterValueException,
  ListMetricsCommand, PutMetricDataCommand, ValidationException, type CloudWatchClient, type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget, type ConformanceTarget } from '../flink/target.js';

let target: ConformanceTarget;
let cloudwatch: CloudWatchClient;
let namespace: string;
/** Start of a whole minute ten minutes ago, in epoch seconds: every datapoint sits after it. */
let base: number;

const at = (second: number) => new Date((base + second) * 1000);
const dims = [{ Name: 'Stream', Value: 'orders' }];

function stat(id: string, metricName: string, statName: string, period: number, extra: Partial<MetricDataQuery> = {}): MetricDataQuery {
  return { Id: id, MetricStat: { Metric: { Namespace: namespace, MetricName: metricName, Dimensions: dims }, Period: period, Stat: statName }, ...extra };
}

async function query(queries: MetricDataQuery[], from = 0, to = 600, scanBy?: 'TimestampAscending') {
  const out = await cloudwatch.send(
    new GetMetricDataCommand({ StartTime: at(from), EndTime: at(to), MetricDataQueries: queries, ...(scanBy ? { ScanBy: scanBy } : {}) }),
  );
  return out.MetricDataResults ?? [];
}

const seconds = (ts: Date[] | undefined) => (ts ?? []).map((t) => t.getTime() / 1000 - base);

beforeAll(async () => {
  target = await openTarget();
  cloudwatch = target.cloudwatch({ maxAttempts: 1 });
  namespace = `Shardpilot/${target.name('cw')}`;
  base = Math.floor(Date.now() / 60_000) * 60 - 600;
  // Values 1..60 in the first minute, one per second; 10 in each of the first 30 s of the second minute.
  await cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: namespace,
      MetricData: Array.from({ length: 60 }, (_, i) => ({ MetricName: 'Latency', Dimensions: dims, Timestamp: at(i), Value: i + 1, StorageResolution: 1 })),
    }),
  );
  await cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: namespace,
      MetricData: Array.from({ length: 30 }, (_, i) => ({ MetricName: 'Latency', Dimensions: dims, Timestamp: at(60 + i), Value: 10, StorageResolution: 1 })),
    }),
  );
});
afterAll(async () => target.close());

describe('PutMetricData and GetMetricData with MetricStat', () => {
  it('answers Sum, Average, Minimum, Maximum and SampleCount per 60-second period, newest first', async () => {
    const [sum, avg, min, max, count] = await query(['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'].map((s, i) => stat(`m${i}`, 'Latency', s, 60)));
    expect(seconds(sum?.Timestamps)).toEqual([60, 0]);
    expect(sum?.Values).toEqual([300, 1830]);
    expect(avg?.Values).toEqual([10, 30.5]);
    expect(min?.Values).toEqual([10, 1]);
    expect(max?.Values).toEqual([10, 60]);
    expect(count?.Values).toEqual([30, 60]);
    expect(sum?.StatusCode).toBe('Complete');
    expect(sum?.Label).toBe('Latency');
  });

  it('answers percentiles', async () => {
    const [p90] = await query([stat('p', 'Latency', 'p90', 60)]);
    expect(p90?.Values?.[1]).toBeGreaterThanOrEqual(53);
    expect(p90?.Values?.[1]).toBeLessThanOrEqual(55);
  });

  it('treats StartTime as inclusive and EndTime as exclusive at 1-second periods, ascending on request', async () => {
    const [desc] = await query([stat('m', 'Latency', 'Sum', 1)], 10, 20);
    expect(seconds(desc?.Timestamps)).toEqual([19, 18, 17, 16, 15, 14, 13, 12, 11, 10]);
    expect(desc?.Values?.[0]).toBe(20);
    const [asc] = await query([stat('m', 'Latency', 'Sum', 1)], 10, 13, 'TimestampAscending');
    expect(seconds(asc?.Timestamps)).toEqual([10, 11, 12]);
  });

  it('omits ReturnData: false queries and uses the given Label', async () => {
    const results = await query([stat('hidden', 'Latency', 'Sum', 60, { ReturnData: false }), stat('shown', 'Latency', 'Sum', 60, { Label: 'total' })]);
    expect(results.map((r) => [r.Id, r.Label])).toEqual([['shown', 'total']]);
  });

  it('aggregates Values with Counts and pre-aggregated StatisticValues into the same statistics', async () => {
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: namespace,
        MetricData: [
          { MetricName: 'Batch', Dimensions: dims, Timestamp: at(120), Values: [2, 4], Counts: [3, 1] },
          { MetricName: 'Batch', Dimensions: dims, Timestamp: at(130), StatisticValues: { SampleCount: 4, Sum: 40, Minimum: 1, Maximum: 20 } },
        ],
      }),
    );
    const [sum, count, min, max] = await query(['Sum', 'SampleCount', 'Minimum', 'Maximum'].map((s, i) => stat(`b${i}`, 'Batch', s, 60)));
    expect([sum?.Values, count?.Values, min?.Values, max?.Values]).toEqual([[50], [8], [1], [20]]);
  });

  it('returns no datapoints, not an error, for a metric that has none', async () => {
    const [empty] = await query([stat('m', 'NeverWritten', 'Sum', 60)]);
    expect(empty?.Values).toEqual([]);
    expect(empty?.StatusCode).toBe('Complete');
  });
});

describe('GetMetricData validation', () => {
  it('rejects a Period that is not 1, 5, 10, 30 or a multiple of 60 (InvalidParameterValueException)', async () => {
    await expect(query([stat('m', 'Latency', 'Sum', 7)])).rejects.toBeInstanceOf(InvalidParameterValueException);
  });

  it('rejects an unknown statistic (InvalidParameterValueException)', async () => {
    await expect(query([stat('m', 'Latency', 'Median', 60)])).rejects.toBeInstanceOf(InvalidParameterValueException);
  });

  it('rejects ids that do not start lower-case or repeat (ValidationException)', async () => {
    await expect(query([stat('M1', 'Latency', 'Sum', 60)])).rejects.toBeInstanceOf(ValidationException);
    await expect(query([stat('a', 'Latency', 'Sum', 60), stat('a', 'Latency', 'Average', 60)])).rejects.toBeInstanceOf(ValidationException);
  });

  it('rejects a StartTime that is not before the EndTime (ValidationException)', async () => {
    await expect(query([stat('m', 'Latency', 'Sum', 60)], 100, 100)).rejects.toBeInstanceOf(ValidationException);
  });

  it('rejects an expression that does not parse (ValidationException)', async () => {
    await expect(query([stat('m', 'Latency', 'Sum', 60, { ReturnData: false }), { Id: 'e', Expression: 'm +* 2' }])).rejects.toBeInstanceOf(
      ValidationException,
    );
  });
});

describe('GetMetricStatistics', () => {
  it('answers the requested statistics and percentiles per period', async () => {
    const out = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: namespace, MetricName: 'Latency', Dimensions: dims, StartTime: at(0), EndTime: at(120), Period: 60,
        Statistics: ['Sum', 'Maximum'],
      }),
    );
    expect(out.Label).toBe('Latency');
    const points = (out.Datapoints ?? []).sort((a, b) => (a.Timestamp?.getTime() ?? 0) - (b.Timestamp?.getTime() ?? 0));
    expect(points.map((p) => [p.Sum, p.Maximum])).toEqual([[1830, 60], [300, 10]]);
  });

  it('refuses more than 1,440 datapoints and a request without statistics (InvalidParameterCombinationException)', async () => {
    const base60 = { Namespace: namespace, MetricName: 'Latency', StartTime: at(0), EndTime: at(600) };
    await expect(cloudwatch.send(new GetMetricStatisticsCommand({ ...base60, Period: 1, Statistics: ['Sum'], EndTime: at(2000) }))).rejects.toBeInstanceOf(
      InvalidParameterCombinationException,
    );
    await expect(cloudwatch.send(new GetMetricStatisticsCommand({ ...base60, Period: 60 }))).rejects.toBeInstanceOf(InvalidParameterCombinationException);
  });
});

describe('ListMetrics', () => {
  it('lists metrics by namespace and dimension filter', async () => {
    const out = await cloudwatch.send(
      new ListMetricsCommand({ Namespace: namespace, MetricName: 'Latency', Dimensions: [{ Name: 'Stream', Value: 'orders' }] }),
    );
    expect(out.Metrics).toEqual([{ Namespace: namespace, MetricName: 'Latency', Dimensions: dims }]);
    const byName = await cloudwatch.send(new ListMetricsCommand({ Namespace: namespace, Dimensions: [{ Name: 'Stream' }] }));
    expect(byName.Metrics?.map((m) => m.MetricName)).toContain('Latency');
    const none = await cloudwatch.send(new ListMetricsCommand({ Namespace: namespace, Dimensions: [{ Name: 'Stream', Value: 'other' }] }));
    expect(none.Metrics ?? []).toEqual([]);
  });
});

describe('PutMetricData validation', () => {
  it('refuses the AWS/ namespaces reserved for service metrics (InvalidParameterValueException)', async () => {
    await expect(
      cloudwatch.send(new PutMetricDataCommand({ Namespace: 'AWS/Kinesis', MetricData: [{ MetricName: 'IncomingRecords', Value: 1 }] })),
    ).rejects.toBeInstanceOf(InvalidParameterValueException);
  });

  it('refuses Values and Counts of different lengths (InvalidParameterValueException)', async () => {
    await expect(
      cloudwatch.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: [{ MetricName: 'Latency', Values: [1, 2], Counts: [1] }] })),
    ).rejects.toBeInstanceOf(InvalidParameterValueException);
  });

  it('refuses Value together with StatisticValues (InvalidParameterCombinationException)', async () => {
    await expect(
      cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: namespace,
          MetricData: [{ MetricName: 'Latency', Value: 1, StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 } }],
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterCombinationException);
  });
});
