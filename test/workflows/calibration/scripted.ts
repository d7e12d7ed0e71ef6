/**
 * A calibration against scripted activities: the pipeline, the load and the metrics are made
 * up, so a test (and the history recorder) can make the calibration take exactly the branch it
 * wants — a load that fell short, a step that stalled — and the real calibration workflow runs
 * on the test server. Used by delivery.test.ts and test/histories/scenarios.ts.
 */
import type { DriveLoadInput, StepMetricsInput } from '../../../activities/calibration/index.js';
import { planCalibration } from '../../../model/calibration-plan.js';
import type { PeriodFigures } from '../../../workflows/calibration/analysis.js';
import type { CalibrationWorkflowInput } from '../../../workflows/contract.js';

/** The job's true capacity in the script: up to this it keeps up, beyond it the lag grows. */
export const CAPACITY = 2000;

export interface Scripted {
  loads: DriveLoadInput[];
  activities: object;
}

/**
 * Fake activities. `delivered(rate, attempt)` is the rate the load reaches in the measured
 * periods; the first of the step's seconds always gets only half of it (a late start), so the
 * whole-step average is below what the measured periods saw.
 */
export function script(
  delivered: (rate: number, attempt: number) => number,
  stalled: (rate: number, attempt: number) => boolean = () => false,
  /** Awaited before a load returns: a recorder holds a step here to capture the run mid-step. */
  gate: (rate: number, attempt: number) => Promise<void> = async () => undefined,
): Scripted {
  const loads: DriveLoadInput[] = [];
  const attempts = new Map<number, number>();
  const capacity = { shards: 4, parallelism: 2, parallelismPerKpu: 1 };
  return {
    loads,
    activities: {
      async readPipelineFacts() {
        return {
          phase: 'RUNNING', capacity, autoscalingPaused: true, periodSeconds: 1, maxKpus: 64, replayRunning: false, actionInFlight: false,
          actionBoundSeconds: 30, streamName: 'fake-trips', applicationName: 'fake-hotspots',
        };
      },
      async setPipelineAutoscalingPaused() {},
      async setPipelineReplayPaused() { return 'replay is absent'; },
      async changePipelineCapacity() { return { outcome: 'unchanged', capacity, reasons: ['already at the target'] }; },
      async driveCalibrationLoad(input: DriveLoadInput) {
        loads.push(input);
        const attempt = (attempts.get(input.recordsPerSecond) ?? 0) + 1;
        attempts.set(input.recordsPerSecond, attempt);
        const rate = delivered(input.recordsPerSecond, attempt);
        await gate(input.recordsPerSecond, attempt);
        // A step that "ran" for its duration and ended now (the workflow waits for its last period to publish).
        const endedEpochMs = Date.now();
        const startedEpochMs = endedEpochMs - input.durationSeconds * 1000;
        const first = Math.floor(startedEpochMs / 1000);
        const buckets = [];
        for (let s = first; s < first + input.durationSeconds; s += 1) buckets.push({ start: s, records: s === first ? rate / 2 : rate });
        const sent = buckets.reduce((a, b) => a + b.records, 0);
        return { sent, throttled: 0, startedEpochMs, endedEpochMs, sentPerSecond: sent / input.durationSeconds, acceptedByBucket: buckets };
      },
      async readCalibrationMetrics(input: StepMetricsInput): Promise<PeriodFigures[]> {
        const load = loads[loads.length - 1]!;
        const attempt = attempts.get(load.recordsPerSecond)!;
        const rate = delivered(load.recordsPerSecond, attempt);
        // A stalled step (a hiccup): the job processes half of what arrives, whatever its capacity.
        const stall = stalled(load.recordsPerSecond, attempt);
        const processed = stall ? rate / 2 : Math.min(rate, CAPACITY);
        const periods: PeriodFigures[] = [];
        for (let t = input.start, i = 0; t < input.end; t += 1, i += 1) {
          // Behind by what it could not process, accumulating.
          const lagMs = rate > CAPACITY || stall ? 2000 + i * 1000 : 200;
          periods.push({ timestamp: t, processed, lagMs, cpu: (100 * processed) / CAPACITY, containerCpu: (100 * processed) / CAPACITY, heap: 20, backpressure: 0 });
        }
        return periods;
      },
    },
  };
}

/** The workflow's input for a scripted calibration of `rates` at these ParallelismPerKPU values (2 subtasks, 1-s periods). */
export function scriptedInput(rates: number[], parallelismPerKpu: number[], calibrationId = 'cal-fake'): CalibrationWorkflowInput {
  const { plan, problems } = planCalibration(
    { rates, stepSeconds: 5, confirmSteps: 0, parallelism: 2, parallelismPerKpu } as never,
    { shards: 4, parallelism: 2, periodSeconds: 1, maxKpus: 64 },
  );
  if (plan === null) throw new Error(`scripted calibration plan refused: ${JSON.stringify(problems)}`);
  return { pipelineId: 'fake', calibrationId, request: plan.request, timing: { metricsDelaySeconds: 0, pollIntervalMs: 50 } };
}
