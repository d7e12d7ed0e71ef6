/**
 * The emulated CloudWatch (`GraniteServiceVersion20100801`, JSON 1.0, query-compatible
 * errors). It is also the `MetricSink` the other emulated services publish into, so
 * their metrics are read back through the real GetMetricData API.
 */
import type { CloudWatchOptions } from '../config.js';
import type { Clock, MetricSink, Operation, ServiceModule } from '../core/types.js';
import { deleteAlarms } from './operations/deleteAlarms.js';
import { deleteDashboards } from './operations/deleteDashboards.js';
import { describeAlarms } from './operations/describeAlarms.js';
import { getDashboard } from './operations/getDashboard.js';
import { getMetricData } from './operations/getMetricData.js';
import { getMetricStatistics } from './operations/getMetricStatistics.js';
import { listDashboards } from './operations/listDashboards.js';
import { listMetrics } from './operations/listMetrics.js';
import { putDashboard } from './operations/putDashboard.js';
import { putMetricAlarm } from './operations/putMetricAlarm.js';
import { putMetricData } from './operations/putMetricData.js';
import { IMMEDIATE } from './resolution.js';
import type { CloudWatchState } from './state.js';
import { MetricStore } from './store.js';

export interface CloudWatchServiceOptions {
  config?: Partial<CloudWatchOptions>;
  clock?: Clock;
  /** Raw values kept per series per second to answer percentiles (default 64). */
  samplesPerSecond?: number;
}

const DEFAULT_RETENTION_MS = 3 * 3600_000;

export type CloudWatchService = ServiceModule & MetricSink;

export function createCloudWatchService(options: CloudWatchServiceOptions = {}): CloudWatchService {
  const clock = options.clock ?? { nowMs: () => Date.now() };
  const state: CloudWatchState = {
    clock,
    store: new MetricStore({
      retentionMs: options.config?.retentionMs ?? DEFAULT_RETENTION_MS,
      samplesPerSecond: options.samplesPerSecond ?? 64,
    }),
    resolution: {
      awsNamespaceResolutionSec: options.config?.awsNamespaceResolutionSec ?? IMMEDIATE.awsNamespaceResolutionSec,
      publicationDelayMs: options.config?.publicationDelayMs ?? IMMEDIATE.publicationDelayMs,
    },
    alarms: new Map(),
    dashboards: new Map(),
  };
  const operations: Record<string, Operation<never, unknown>> = {
    PutMetricData: putMetricData(state),
    GetMetricData: getMetricData(state),
    GetMetricStatistics: getMetricStatistics(state),
    ListMetrics: listMetrics(state),
    PutMetricAlarm: putMetricAlarm(state),
    DescribeAlarms: describeAlarms(state),
    DeleteAlarms: deleteAlarms(state),
    PutDashboard: putDashboard(state),
    GetDashboard: getDashboard(state),
    ListDashboards: listDashboards(state),
    DeleteDashboards: deleteDashboards(state),
  } as Record<string, Operation<never, unknown>>;
  return {
    targetPrefix: 'GraniteServiceVersion20100801',
    contentType: 'application/x-amz-json-1.0',
    errorMessageKey: 'message',
    queryCompatible: true,
    operations,
    reset() {
      state.store.clear();
      state.alarms.clear();
      state.dashboards.clear();
    },
    record(datum) {
      // Stored at the resolution it is readable at, so minute data costs one bucket a minute.
      const resolutionMs = datum.namespace.startsWith('AWS/') ? state.resolution.awsNamespaceResolutionSec * 1000 : 1000;
      state.store.addValue(
        { namespace: datum.namespace, metricName: datum.metricName, dimensions: datum.dimensions },
        Math.floor(datum.timestampMs / resolutionMs) * resolutionMs,
        datum.value,
        datum.count ?? 1,
        datum.unit,
      );
      state.store.maybePrune(clock.nowMs());
    },
  };
}
