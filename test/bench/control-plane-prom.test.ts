/**
 * The control-plane bench's split of workflow-task time (bench/control-plane/prom.ts):
 * a phase's figures are the difference of two scrapes, summed over the label sets a
 * selector matches and no others, with units converted — the docs quote them.
 */
import { describe, expect, it } from 'vitest';
import { counterDelta, histogramDelta, parsePrometheus } from '../../bench/control-plane/prom.js';

/** A Prometheus histogram in the text format: cumulative bucket counts by bound. */
function histogram(name: string, labels: string, buckets: Array<[string, number]>, sum: number): string {
  const count = buckets.at(-1)?.[1] ?? 0;
  return [
    `# TYPE ${name} histogram`,
    ...buckets.map(([le, n]) => `${name}_bucket{${labels},le="${le}"} ${n}`),
    `${name}_sum{${labels}} ${sum}`,
    `${name}_count{${labels}} ${count}`,
  ].join('\n');
}

const BOUNDS = ['0.05', '0.5', '1', '5', '+Inf'];

describe('bench task-time split from Prometheus scrapes', () => {
  it('counts only the phase\'s observations, in ms, for the selected operation and service', () => {
    const before = parsePrometheus([
      histogram('service_latency', 'operation="RespondWorkflowTaskCompleted",service_name="history"', BOUNDS.map((le, i) => [le, [10, 10, 10, 10, 10][i] as number]), 0.2),
      histogram('service_latency', 'operation="RespondWorkflowTaskCompleted",service_name="frontend"', BOUNDS.map((le) => [le, 0]), 0),
    ].join('\n'));
    const after = parsePrometheus([
      // This phase: 10 more under 50 ms, 85 between 0.05 and 0.5 s, 3 up to 1 s, 2 between 1 and 5 s.
      histogram('service_latency', 'operation="RespondWorkflowTaskCompleted",service_name="history"', BOUNDS.map((le, i) => [le, [20, 105, 108, 110, 110][i] as number]), 30.2),
      // The frontend's pass-through of the same calls must not be counted twice.
      histogram('service_latency', 'operation="RespondWorkflowTaskCompleted",service_name="frontend"', BOUNDS.map((le) => [le, 500]), 99),
      histogram('service_latency', 'operation="PollWorkflowTaskQueue",service_name="history"', BOUNDS.map((le) => [le, 7]), 1),
    ].join('\n'));
    const delta = histogramDelta(before, after, {
      name: 'service_latency', labels: { operation: 'RespondWorkflowTaskCompleted', service_name: 'history' }, toMs: 1000,
    });
    expect(delta).toEqual({ count: 100, p50AtMostMs: 500, p99AtMostMs: 5000, largestBoundMs: 5000, over1s: 2, overMs: 1000, meanMs: 300 });
  });

  it('says when a quantile lies past the largest bound instead of inventing one', () => {
    const after = parsePrometheus(histogram('temporal_workflow_task_execution_latency', 'task_queue="q"', [['100', 1], ['1000', 1], ['+Inf', 4]], 12_000));
    const delta = histogramDelta([], after, { name: 'temporal_workflow_task_execution_latency', toMs: 1 });
    expect(delta).toMatchObject({ count: 4, p50AtMostMs: null, p99AtMostMs: null, largestBoundMs: 1000, over1s: 3 });
  });

  it('reports no observations as such, and counters as their increase', () => {
    const before = parsePrometheus('temporal_sticky_cache_miss{task_queue="q"} 3\ntemporal_sticky_cache_miss{task_queue="r"} 1');
    const after = parsePrometheus('temporal_sticky_cache_miss{task_queue="q"} 10\ntemporal_sticky_cache_miss{task_queue="r"} 1');
    expect(counterDelta(before, after, 'temporal_sticky_cache_miss')).toBe(7);
    expect(histogramDelta(before, after, { name: 'persistence_latency', toMs: 1000 }).count).toBe(0);
  });
});

describe('bench scrapes keep only what they report', () => {
  it('drops metrics outside the kept prefixes', () => {
    const text = 'persistence_latency_bucket{operation="UpdateWorkflowExecution",le="+Inf"} 4\nsome_other_metric{a="b"} 9\n# HELP x y';
    expect(parsePrometheus(text, ['persistence_latency']).map((s) => s.name)).toEqual(['persistence_latency_bucket']);
  });
});
