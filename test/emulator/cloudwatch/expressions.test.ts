import { GetMetricDataCommand, PutMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget, type ConformanceTarget } from '../flink/target.js';

let target: ConformanceTarget;
let cloudwatch: CloudWatchClient;
let namespace: string;
let base: number;

const at = (second: number) => new Date((base + second) * 1000);

/** `a` has 1, 2, 3, 4 at seconds 0..3; `b` has 10 at seconds 0, 1 and 3 (a gap at 2). */
const metric = (id: string, name: string, returnData = false): MetricDataQuery => ({
  Id: id,
  MetricStat: { Metric: { Namespace: namespace, MetricName: name }, Period: 1, Stat: 'Sum' },
  ReturnData: returnData,
});

async function evaluate(expression: string): Promise<{ label: string | undefined; points: [number, number][] }[]> {
  const out = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: at(0),
      EndTime: at(4),
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [metric('a', 'A'), metric('b', 'B'), { Id: 'e', Expression: expression, Period: 1 }],
    }),
  );
  return (out.MetricDataResults ?? []).map((r) => ({
    label: r.Label,
    points: (r.Timestamps ?? []).map((t, i) => [t.getTime() / 1000 - base, r.Values?.[i] as number]),
  }));
}

beforeAll(async () => {
  target = await openTarget();
  cloudwatch = target.cloudwatch({ maxAttempts: 1 });
  namespace = `Shardpilot/${target.name('math')}`;
  base = Math.floor(Date.now() / 60_000) * 60 - 300;
  const data = [
    ...[1, 2, 3, 4].map((v, i) => ({ MetricName: 'A', Timestamp: at(i), Value: v, StorageResolution: 1 })),
    ...[0, 1, 3].map((s) => ({ MetricName: 'B', Timestamp: at(s), Value: 10, StorageResolution: 1 })),
  ];
  await cloudwatch.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data }));
});
afterAll(async () => target.close());

describe('metric math in GetMetricData', () => {
  it('does arithmetic, keeping only timestamps both series have', async () => {
    const [e] = await evaluate('(a + b) * 2 - 1');
    expect(e?.points).toEqual([[0, 21], [1, 23], [3, 27]]);
    expect(e?.label).toBe('e');
  });

  it('fills gaps with FILL(series, value)', async () => {
    const [e] = await evaluate('FILL(b, 0)');
    expect(e?.points).toEqual([[0, 10], [1, 10], [2, 0], [3, 10]]);
  });

  it('sums an array of series per timestamp with SUM(METRICS())', async () => {
    const [e] = await evaluate('SUM(METRICS())');
    expect(e?.points).toEqual([[0, 11], [1, 12], [2, 3], [3, 14]]);
  });

  it('reduces one series to a scalar with AVG/MIN/MAX, drawn over the range', async () => {
    expect((await evaluate('AVG(a)'))[0]?.points).toEqual([[0, 2.5], [1, 2.5], [2, 2.5], [3, 2.5]]);
    expect((await evaluate('MAX(a) - MIN(a)'))[0]?.points.map(([, v]) => v)).toEqual([3, 3, 3, 3]);
  });

  it('computes the per-second rate of change with RATE', async () => {
    const [e] = await evaluate('RATE(a)');
    expect(e?.points).toEqual([[1, 1], [2, 1], [3, 1]]);
  });

  it('returns one result per series for METRICS(), each with its own label', async () => {
    const results = await evaluate('METRICS()');
    expect(results.map((r) => r.label)).toEqual(['A', 'B']);
  });
});
