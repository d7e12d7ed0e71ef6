/**
 * The Flink service driven tick by tick on a manual clock (no server, no timers): the
 * capacity model, the published metrics and AWS's own autoscaling.
 */
import { describe, expect, it } from 'vitest';
import { resolveEmulatorOptions } from '../../../emulator/config.js';
import type { MetricSink, RequestContext } from '../../../emulator/core/types.js';
import { createFlinkService, type FlinkService } from '../../../emulator/flink/index.js';
import { FakeStreams, nycTrip } from '../job/fakeStreams.js';

type Datum = Parameters<MetricSink['record']>[0];

class Harness {
  now = Date.UTC(2024, 0, 1);
  readonly metrics: Datum[] = [];
  readonly streams = new FakeStreams();
  readonly flink: FlinkService;

  constructor(flinkOverrides: Record<string, number> = {}) {
    const config = { ...resolveEmulatorOptions('test').flink, startApplicationMs: 2500, updateApplicationMs: 2000, jobTickMs: 1000, ...flinkOverrides };
    this.flink = createFlinkService({
      config,
      metrics: { record: (d) => this.metrics.push(d) },
      streams: this.streams,
      clock: { nowMs: () => this.now },
      autoTick: false,
    });
  }

  call(operation: string, input: Record<string, unknown>): Record<string, unknown> {
    const ctx: RequestContext = { nowMs: this.now, region: 'us-east-1', accountId: '000000000000', operation };
    return this.flink.operations[operation]?.handle(input as never, ctx) as Record<string, unknown>;
  }

  /** Advances the clock one second at a time, ticking the job each second. */
  run(seconds: number): void {
    for (let i = 0; i < seconds; i++) {
      this.now += 1000;
      this.flink.tick();
    }
  }

  latest(metricName: string): number | undefined {
    return this.metrics.filter((d) => d.metricName === metricName && Object.keys(d.dimensions).length === 1).at(-1)?.value;
  }

  status(name: string): Record<string, unknown> {
    const detail = this.call('DescribeApplication', { ApplicationName: name }).ApplicationDetail as Record<string, unknown>;
    const parallelism = (detail.ApplicationConfigurationDescription as Record<string, Record<string, Record<string, unknown>>>)
      .FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription;
    return { status: detail.ApplicationStatus, current: parallelism?.CurrentParallelism };
  }
}

function createApp(h: Harness, name: string, parallelism: number, rate: number, autoScaling: boolean): void {
  h.call('CreateApplication', {
    ApplicationName: name,
    RuntimeEnvironment: 'FLINK-1_20',
    ServiceExecutionRole: 'arn:aws:iam::000000000000:role/r',
    ApplicationConfiguration: {
      FlinkApplicationConfiguration: {
        ParallelismConfiguration: { ConfigurationType: 'CUSTOM', Parallelism: parallelism, ParallelismPerKPU: 2, AutoScalingEnabled: autoScaling },
      },
      EnvironmentProperties: {
        PropertyGroups: [
          { PropertyGroupId: 'FlinkApplicationProperties', PropertyMap: { InputStreamName: 'taxi' } },
          { PropertyGroupId: 'shardpilot.emulator', PropertyMap: { RecordsPerSecondPerSubtask: String(rate) } },
        ],
      },
    },
  });
}

function fill(h: Harness, shards: number, perShard: number): void {
  let id = 0;
  for (let s = 0; s < shards; s++) {
    h.streams.addShard('taxi', `shard-${s}`);
    for (let i = 0; i < perShard; i++) h.streams.append('taxi', `shard-${s}`, `k${s}`, nycTrip(id++, i % 60), h.now);
  }
}

describe('the simulated job on a manual clock', () => {
  it('processes CurrentParallelism × the per-subtask rate per second and publishes AWS/KinesisAnalytics metrics', () => {
    const h = new Harness();
    fill(h, 4, 1000);
    createApp(h, 'job', 3, 50, false);
    h.call('StartApplication', { ApplicationName: 'job' });
    h.run(1);
    expect(h.status('job').status).toBe('STARTING');
    expect(h.latest('downtime')).toBe(1000);
    expect(h.latest('numRecordsInPerSecond')).toBe(0);
    h.run(3);
    expect(h.status('job')).toEqual({ status: 'RUNNING', current: 3 });
    expect(h.latest('numRecordsInPerSecond')).toBe(150);
    expect(h.latest('cpuUtilization')).toBe(100);
    expect(h.latest('containerCPUUtilization')).toBe(100);
    expect(h.latest('KPUs')).toBe(3);
    expect(h.latest('downtime')).toBe(0);
    expect(h.latest('uptime')).toBeGreaterThan(0);
    expect(h.latest('millisBehindLatest')).toBeGreaterThan(0);
    const laggy = h.metrics.filter((d) => d.metricName === 'millisBehindLatest' && d.dimensions.Flow === 'Input').at(-1);
    expect(laggy?.dimensions).toEqual({ Application: 'job', Flow: 'Input', Id: 'taxi' });
  });

  it('reports CPU below 100 when the input is slower than the capacity', () => {
    const h = new Harness();
    fill(h, 2, 0);
    createApp(h, 'idle', 2, 100, false);
    h.call('StartApplication', { ApplicationName: 'idle' });
    h.run(4);
    for (let i = 0; i < 50; i++) h.streams.append('taxi', 'shard-0', 'k', nycTrip(i, 1), h.now);
    h.run(1);
    expect(h.latest('numRecordsInPerSecond')).toBe(50);
    expect(h.latest('cpuUtilization')).toBe(25);
    h.run(1);
    expect(h.latest('millisBehindLatest')).toBe(0);
  });
});

describe('restarts', () => {
  it('measures downtime from the start of each outage, not from the previous stop', () => {
    const h = new Harness({ stopApplicationMs: 1000 });
    fill(h, 1, 10);
    createApp(h, 'again', 1, 100, false);
    h.call('StartApplication', { ApplicationName: 'again' });
    h.run(3);
    h.call('StopApplication', { ApplicationName: 'again' });
    h.run(60);
    expect(h.status('again').status).toBe('READY');
    h.call('StartApplication', { ApplicationName: 'again' });
    h.run(1);
    expect(h.latest('downtime')).toBe(1000);
  });
});

describe('AWS autoscaling (AutoScalingEnabled)', () => {
  it('doubles the parallelism after 15 samples at CPU ≥ 75 %, through AUTOSCALING', () => {
    const h = new Harness();
    fill(h, 4, 500);
    createApp(h, 'auto', 1, 10, true);
    h.call('StartApplication', { ApplicationName: 'auto' });
    h.run(3);
    expect(h.status('auto')).toEqual({ status: 'RUNNING', current: 1 });
    h.run(13);
    expect(h.status('auto').status).toBe('RUNNING');
    h.run(1);
    expect(h.status('auto')).toEqual({ status: 'AUTOSCALING', current: 1 });
    h.run(2);
    expect(h.status('auto')).toEqual({ status: 'RUNNING', current: 2 });
  });

  it('leaves the parallelism alone when autoscaling is off', () => {
    const h = new Harness();
    fill(h, 4, 500);
    createApp(h, 'manual', 1, 10, false);
    h.call('StartApplication', { ApplicationName: 'manual' });
    h.run(30);
    expect(h.status('manual')).toEqual({ status: 'RUNNING', current: 1 });
  });
});
