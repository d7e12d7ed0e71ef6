/**
 * `KPUs` as AWS publishes it under the `aws` profile: once an hour, after the hour has
 * closed, stamped with the hour's start and carrying the hour's average — so the current
 * capacity can never be read from it (DescribeApplication's CurrentParallelism can).
 */
import { describe, expect, it } from 'vitest';
import { resolveEmulatorOptions } from '../../../emulator/config.js';
import type { MetricSink, RequestContext } from '../../../emulator/core/types.js';
import { createFlinkService } from '../../../emulator/flink/index.js';
import { KpuReport } from '../../../emulator/job/kpuReport.js';
import { FakeStreams } from '../job/fakeStreams.js';

type Datum = Parameters<MetricSink['record']>[0];
const HOUR = 3600_000;

describe('KPUs published hourly', () => {
  it('the application publishes no KPUs in its first hour, then the hour’s average at the hour’s start', () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const metrics: Datum[] = [];
    const streams = new FakeStreams();
    streams.addShard('taxi', 'shard-0');
    const config = { ...resolveEmulatorOptions('aws').flink, startApplicationMs: 1000, updateApplicationMs: 1000, jobTickMs: 1000 };
    expect(config.kpusPublishIntervalMs).toBe(HOUR);
    const flink = createFlinkService({ config, metrics: { record: (d) => metrics.push(d) }, streams, clock: { nowMs: () => now }, autoTick: false });
    const call = (operation: string, input: Record<string, unknown>) =>
      flink.operations[operation]?.handle(input as never, { nowMs: now, region: 'us-east-1', accountId: '000000000000', operation } as RequestContext) as Record<string, unknown>;
    call('CreateApplication', {
      ApplicationName: 'job',
      RuntimeEnvironment: 'FLINK-1_20',
      ServiceExecutionRole: 'arn:aws:iam::000000000000:role/r',
      ApplicationConfiguration: {
        FlinkApplicationConfiguration: { ParallelismConfiguration: { ConfigurationType: 'CUSTOM', Parallelism: 2, ParallelismPerKPU: 1, AutoScalingEnabled: false } },
        EnvironmentProperties: { PropertyGroups: [{ PropertyGroupId: 'FlinkApplicationProperties', PropertyMap: { InputStreamName: 'taxi' } }] },
      },
    });
    call('StartApplication', { ApplicationName: 'job' });
    const runSeconds = (n: number) => {
      for (let i = 0; i < n; i++) {
        now += 1000;
        flink.tick();
      }
    };
    runSeconds(1800); // half an hour at parallelism 2: 3 KPUs
    const version = ((call('DescribeApplication', { ApplicationName: 'job' }).ApplicationDetail as Record<string, unknown>).ApplicationVersionId) as number;
    call('UpdateApplication', {
      ApplicationName: 'job',
      CurrentApplicationVersionId: version,
      ApplicationConfigurationUpdate: { FlinkApplicationConfigurationUpdate: { ParallelismConfigurationUpdate: { ConfigurationTypeUpdate: 'CUSTOM', ParallelismUpdate: 6 } } },
    });
    runSeconds(1799);
    const kpus = () => metrics.filter((d) => d.metricName === 'KPUs');
    expect(kpus()).toEqual([]);
    expect(metrics.some((d) => d.metricName === 'numRecordsInPerSecond')).toBe(true);
    runSeconds(2); // into 13:00
    expect(kpus()).toHaveLength(1);
    const datum = kpus()[0] as Datum;
    expect(datum.timestampMs).toBe(Date.UTC(2026, 0, 1, 12, 0, 0));
    // About half the hour at 3 KPUs, half at 7: an average between them, not the current 7.
    expect(datum.value).toBeGreaterThan(4.5);
    expect(datum.value).toBeLessThan(5.5);
  });

  it('with an interval of 0 (fast profiles) every observation is published at once', () => {
    const report = new KpuReport(0);
    expect(report.observe(5000, 1000, 3)).toEqual({ timestampMs: 5000, value: 3 });
  });
});
