import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../../emulator/cloudwatch/expressions/parser.js';
import { createCloudWatchService } from '../../../emulator/cloudwatch/index.js';
import { aggregate, MetricStore } from '../../../emulator/cloudwatch/store.js';
import { parseStatistic, percentile } from '../../../emulator/cloudwatch/statistics.js';

const key = { namespace: 'N', metricName: 'M', dimensions: { A: '1' } };

describe('MetricStore', () => {
  it('keeps one series per exact dimension set', () => {
    const store = new MetricStore({ retentionMs: 3_600_000, samplesPerSecond: 8 });
    store.addValue(key, 1000, 1);
    store.addValue({ ...key, dimensions: { A: '1', B: '2' } }, 1000, 1);
    store.addValue({ ...key, dimensions: { A: '1' } }, 1500, 3);
    expect([...store.all()].length).toBe(2);
    const [agg] = aggregate(store.get(key) as NonNullable<ReturnType<MetricStore['get']>>, 0, 10, 1);
    expect(agg).toMatchObject({ start: 1, count: 2, sum: 4, min: 1, max: 3 });
  });

  it('drops seconds older than the retention, and series left empty', () => {
    const store = new MetricStore({ retentionMs: 60_000, samplesPerSecond: 8 });
    store.addValue(key, 0, 1);
    store.addValue(key, 50_000, 2);
    store.prune(100_000);
    expect([...(store.get(key)?.buckets.keys() ?? [])]).toEqual([50]);
    store.prune(200_000);
    expect(store.get(key)).toBeUndefined();
  });

  it('bounds the raw values kept per second while count and sum stay exact', () => {
    const store = new MetricStore({ retentionMs: 60_000, samplesPerSecond: 4 });
    for (let i = 1; i <= 100; i++) store.addValue(key, 5000, i);
    const bucket = store.get(key)?.buckets.get(5);
    expect(bucket?.samples.length).toBe(4);
    expect([bucket?.count, bucket?.sum, bucket?.min, bucket?.max]).toEqual([100, 5050, 1, 100]);
  });
});

describe('statistics', () => {
  it('accepts the basic statistics and pNN, and rejects others', () => {
    expect(parseStatistic('Average')).toEqual({ kind: 'basic', name: 'Average' });
    expect(parseStatistic('p99.9')).toEqual({ kind: 'percentile', name: 'p99.9', p: 99.9 });
    expect(parseStatistic('p101')).toBeNull();
    expect(parseStatistic('avg')).toBeNull();
  });

  it('computes nearest-rank percentiles', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 100)).toBe(5);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe('expression parser', () => {
  it('binds * and / tighter than + and -, and ^ tighter still', () => {
    expect(parseExpression('a + b * 2 ^ 3')).toEqual({
      type: 'binary', op: '+', left: { type: 'ref', id: 'a' },
      right: { type: 'binary', op: '*', left: { type: 'ref', id: 'b' }, right: { type: 'binary', op: '^', left: { type: 'number', value: 2 }, right: { type: 'number', value: 3 } } },
    });
  });

  it('parses calls, arrays, strings and keywords', () => {
    expect(parseExpression("FILL(SUM([a, b]), REPEAT) + METRICS('x')")).toMatchObject({
      left: { type: 'call', name: 'FILL', args: [{ type: 'call', name: 'SUM', args: [{ type: 'array' }] }, { type: 'keyword', name: 'REPEAT' }] },
      right: { type: 'call', name: 'METRICS', args: [{ type: 'string', value: 'x' }] },
    });
  });

  it('rejects malformed input', () => {
    expect(() => parseExpression('a +')).toThrow(/end of expression/);
    expect(() => parseExpression('(a')).toThrow(/Expected '\)'/);
    expect(() => parseExpression('a # b')).toThrow(/Unexpected character/);
  });
});

describe('the CloudWatch service as a MetricSink', () => {
  it('stores what other services record, readable through ListMetrics', () => {
    const cw = createCloudWatchService({ clock: { nowMs: () => 10_000 } });
    cw.record({ namespace: 'AWS/Kinesis', metricName: 'IncomingRecords', dimensions: { StreamName: 's' }, value: 5, timestampMs: 9_000 });
    const out = cw.operations.ListMetrics?.handle({ Namespace: 'AWS/Kinesis' } as never, { nowMs: 10_000, region: 'us-east-1', accountId: '0', operation: 'ListMetrics' });
    expect(out).toEqual({ Metrics: [{ Namespace: 'AWS/Kinesis', MetricName: 'IncomingRecords', Dimensions: [{ Name: 'StreamName', Value: 's' }] }] });
  });
});
