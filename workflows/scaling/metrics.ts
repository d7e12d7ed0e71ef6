/**
 * shardpilot's own Prometheus counters, emitted through the workflow's metric meter so
 * they leave through the worker's Temporal runtime exporter beside its `temporal_*`
 * metrics (METRICS_PORT): policy decisions, scaling actions and rollbacks, per policy
 * and outcome. The SDK does not emit workflow metrics while replaying history, so a
 * worker restart or cache eviction does not count anything twice, and emitting adds no
 * command to the history (replay-safe by construction).
 */
import { inWorkflowContext, metricMeter } from '@temporalio/workflow';
import type { ScalingRecord } from '../../model/status.js';

const COUNTERS: Partial<Record<ScalingRecord['kind'], { name: string; description: string }>> = {
  decision: { name: 'shardpilot_scaling_decisions', description: 'Scaling policy decisions, by policy and outcome (ok = act, none = keep).' },
  action: { name: 'shardpilot_scaling_actions', description: 'Scaling actions applied, by policy, source and outcome.' },
  rollback: { name: 'shardpilot_scaling_rollbacks', description: 'Rollbacks of failed scaling actions, by policy and outcome.' },
};

export function countScalingRecord(record: ScalingRecord, policy: string): void {
  // Pure unit tests call the state functions outside any workflow.
  if (!inWorkflowContext()) return;
  const counter = COUNTERS[record.kind];
  if (counter === undefined) return;
  metricMeter.createCounter(counter.name, '1', counter.description).add(1, { policy, source: record.source, outcome: record.outcome });
}
