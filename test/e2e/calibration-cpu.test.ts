/** Issue 13: a CPU-bound job at 2,600 records/s per subtask — the rate, the verdict, and applying it. */
import { describe, expect, it } from 'vitest';
import { runWorker } from '../support/temporal.js';
import { brief, pipelineId, recordRun, TRUE_RATE, useCalibrationHarness } from './calibration-harness.js';

describe('KPU calibration of a CPU-bound job whose true rate is 2,600 records/s per subtask', () => {
  const h = useCalibrationHarness('cpu');

  it('reports 2,600 ± 10 % per parallelism unit and recommends ParallelismPerKPU 1; applying sets the policy\'s rate', { timeout: 300_000 }, async () => {
    const id = pipelineId('cpu');
    await runWorker({ taskQueue: h.taskQueue, activities: h.activities() }, async () => {
      await h.runningPipeline(id, 'cpu-bound');
      const done = await h.calibrate(id);
      recordRun('cpu-bound', done);
      const result = done.result!;
      const evidence = JSON.stringify({ phases: result.phases, comparison: result.comparison, reasons: result.reasons, steps: done.steps.map(brief) });
      expect(result.recordsPerSecondPerParallelism, evidence).toBeGreaterThanOrEqual(TRUE_RATE * 0.9);
      expect(result.recordsPerSecondPerParallelism, evidence).toBeLessThanOrEqual(TRUE_RATE * 1.1);
      // The second phase was driven past the first's ceiling, so the comparison rests on two measured ceilings.
      expect(result.phases[1]!.lowerBound, evidence).toBe(false);
      expect(result.workload, evidence).toBe('cpu-bound');
      expect(result.bottleneck, evidence).toBe('cpu');
      expect(result.recommendation.parallelismPerKpu).toBe(1);
      // 10,000 records/s with 25 % headroom at ~2,600 per subtask.
      expect(result.recommendation.parallelism).toBe(Math.ceil(12_500 / result.recordsPerSecondPerParallelism));
      expect(result.costPerMillionRecordsUsd).toBeGreaterThan(0);
      expect(done.steps.some((s) => s.verdict === 'saturated' && (s.lagSlopeMsPerSecond ?? 0) > 0)).toBe(true);
      expect(done.restore).toMatchObject({ restored: true, capacity: { parallelism: 2, parallelismPerKpu: 1 }, autoscalingPaused: false });
      const after = await h.pipeline(id);
      expect(after.capacity).toMatchObject({ parallelism: 2, parallelismPerKpu: 1 });
      expect(after.autoscaling.paused).toBe(false);

      const api = h.api();
      const policy = await api.app.inject({ method: 'PUT', url: `/pipelines/${id}/autoscaling`, payload: { policy: 'article-step', paused: true } });
      expect(policy.statusCode, policy.body).toBe(200);
      const applied = await api.app.inject({ method: 'POST', url: `/pipelines/${id}/calibration/apply`, payload: { parallelismPerKpu: true } });
      expect(applied.statusCode, applied.body).toBe(200);
      expect(applied.json()).toMatchObject({ rateApplied: true, policy: 'article-step', parallelismPerKpu: 1 });
      const rate = Math.round(result.recordsPerSecondPerParallelism);
      expect((await h.pipeline(id)).autoscaling.parameters.recordsPerSecondPerParallelism).toBe(rate);
      // The calibrated rate survives a policy switch, and becomes adaptive's prior: the status shows both.
      const switched = await api.app.inject({ method: 'PUT', url: `/pipelines/${id}/autoscaling`, payload: { policy: 'adaptive' } });
      expect(switched.statusCode, switched.body).toBe(200);
      const adaptive = (await h.pipeline(id)).autoscaling;
      expect(adaptive.parameters.recordsPerSecondPerParallelism).toBe(rate);
      expect(adaptive.learned).toEqual({ recordsPerSecondPerParallelism: rate });
    });
  });
});
