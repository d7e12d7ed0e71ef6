/** Everything the CloudWatch service holds: metrics, alarms and dashboards. */
import type { Clock } from '../core/types.js';
import type { ResolutionPolicy } from './resolution.js';
import type { MetricStore } from './store.js';

export interface StoredAlarm {
  /** The PutMetricAlarm input as received (wire shape, minus Tags). */
  definition: Record<string, unknown> & { AlarmName: string };
  arn: string;
  updatedMs: number;
  stateUpdatedMs: number;
}

export interface StoredDashboard {
  name: string;
  arn: string;
  body: string;
  lastModifiedMs: number;
}

export interface CloudWatchState {
  clock: Clock;
  store: MetricStore;
  /** Resolution and publication delay of the `AWS/` namespaces. */
  resolution: ResolutionPolicy;
  alarms: Map<string, StoredAlarm>;
  dashboards: Map<string, StoredDashboard>;
}
