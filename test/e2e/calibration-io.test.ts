/** Issue 13: an I/O-bound job at 2,600 records/s per subtask — two subtasks per KPU double what a KPU processes. */
import { DescribeApplicationCommand } from '@aws-sdk/client-kinesis-analytics-v2';
import { describe, expect, it } from 'vitest';
import { runWorker } from '../support/temporal.js';
import { brief, pipelineId, recordRun, TRUE_RATE, until, useCalibrationHarness } from './calibration-harness.js';

describe('KPU calibration of an I/O-bound job whose true rate is 2,600 records/s per subtask', () => {
  const h = useCalibrationHarness('io');

  it('reports 2,600 ± 10 % and recommends ParallelismPerKPU > 1; applying it is a verified UpdateApplication', { timeout: 300_000 }, async () => {
    const id = pipelineId('io');
    await runWorker({ taskQueue: h.taskQueue, activities: h.activities() }, async () => {
      await h.runningPipeline(id, 'io-bound');
      const done = await h.calibrate(id);
      recordRun('io-bound', done);
      const result = done.result!;
      const evidence = JSON.stringify({ phases: result.phases, comparison: result.comparison, reasons: result.reasons, steps: done.steps.map(brief) });
      expect(result.recordsPerSecondPerParallelism, evidence).toBeGreaterThanOrEqual(TRUE_RATE * 0.9);
      expect(result.recordsPerSecondPerParallelism, evidence).toBeLessThanOrEqual(TRUE_RATE * 1.1);
      // The load reached at least twice what one KPU does at ParallelismPerKPU 1.
      expect(Math.max(...done.steps.filter((s) => s.parallelismPerKpu === 2).map((s) => s.sentRecordsPerSecond)), evidence)
        .toBeGreaterThanOrEqual(2 * 0.9 * TRUE_RATE);
      expect(result.workload, evidence).toBe('io-bound');
      expect(result.recommendation.parallelismPerKpu).toBeGreaterThan(1);
      expect(result.comparison!.perKpuGain, evidence).toBeGreaterThan(1 + result.comparison!.margin);

      const api = h.api();
      const applied = await api.app.inject({ method: 'POST', url: `/pipelines/${id}/calibration/apply`, payload: { parallelismPerKpu: true } });
      expect(applied.statusCode, applied.body).toBe(200);
      const k = result.recommendation.parallelismPerKpu;
      await until('ParallelismPerKPU applied', () => h.pipeline(id), (s) => s.phase === 'RUNNING' && s.capacity?.parallelismPerKpu === k, 30_000);
      const app = await h.flink().send(new DescribeApplicationCommand({ ApplicationName: `${id}-hotspots` }));
      expect(app.ApplicationDetail?.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription?.ParallelismPerKPU).toBe(k);
    });
  });
});
