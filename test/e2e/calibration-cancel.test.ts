/** Issue 13: cancelling mid-calibration restores the previous capacity, the replay and autoscaling. */
import { DescribeApplicationCommand } from '@aws-sdk/client-kinesis-analytics-v2';
import { describe, expect, it } from 'vitest';
import { runWorker } from '../support/temporal.js';
import { finished, pipelineId, until, useCalibrationHarness } from './calibration-harness.js';

describe('cancelling a KPU calibration', () => {
  const h = useCalibrationHarness('cancel');

  /** The Flink application's configured capacity, as AWS describes it. */
  const configured = async (id: string) => {
    const app = await h.flink().send(new DescribeApplicationCommand({ ApplicationName: `${id}-hotspots` }));
    const p = app.ApplicationDetail?.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription;
    return { parallelism: p?.Parallelism, parallelismPerKpu: p?.ParallelismPerKPU };
  };

  it('restores the previous capacity, the replay and autoscaling', { timeout: 180_000 }, async () => {
    const id = pipelineId('cancel');
    await runWorker({ taskQueue: h.taskQueue, activities: h.activities() }, async () => {
      await h.runningPipeline(id, 'cpu-bound', true);
      const api = h.api();
      const started = await api.app.inject({
        method: 'POST', url: `/pipelines/${id}/calibrate`,
        // Starting at ParallelismPerKPU 2 moves the pipeline off its capacity first.
        payload: { maxRecordsPerSecond: 6000, steps: 3, stepSeconds: 30, parallelismPerKpu: [2, 1] },
      });
      expect(started.statusCode, started.body).toBe(202);
      const again = await api.app.inject({ method: 'POST', url: `/pipelines/${id}/calibrate`, payload: { maxRecordsPerSecond: 6000 } });
      expect(again.statusCode).toBe(409);
      await until('measuring at ParallelismPerKPU 2', () => h.calibration(id), (c) => c.state === 'measuring', 60_000);
      // The application itself (the pipeline's status can show a capacity its control loop read
      // while the action ran: /work/notes/s4/calibration-to-ctlplane.md).
      expect(await configured(id)).toEqual({ parallelism: 2, parallelismPerKpu: 2 });
      // The status is published by the pipeline on its own schedule (its memo): wait for it.
      await until('the status showing autoscaling paused', () => h.pipeline(id), (p) => p.autoscaling.paused, 15_000);
      // The replay child reports its state on its own schedule.
      await until('the replay paused', () => h.pipeline(id), (s) => s.replay?.state === 'paused', 15_000);

      const cancelled = await api.app.inject({ method: 'DELETE', url: `/pipelines/${id}/calibration` });
      expect(cancelled.statusCode, cancelled.body).toBe(202);
      const done = await until('cancelled and restored', () => h.calibration(id), finished, 60_000);
      expect(done.state, JSON.stringify({ error: done.error, message: done.message, restore: done.restore })).toBe('cancelled');
      expect(done.restore).toMatchObject({ restored: true, problems: [], replayPaused: true });
      expect(await configured(id)).toEqual({ parallelism: 2, parallelismPerKpu: 1 });
      const after = await until('the status showing autoscaling resumed', () => h.pipeline(id), (p) => !p.autoscaling.paused, 15_000);
      expect(after.capacity?.shards).toBe(6);
      await until('the replay running again', () => h.pipeline(id), (s) => s.replay?.state === 'running', 15_000);
    });
  });
});
