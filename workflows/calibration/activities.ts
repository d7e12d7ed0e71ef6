/**
 * The calibration activities as the workflow calls them, each with a one-line summary
 * so the Temporal UI tells the calibration's story step by step.
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type {
  CalibrationActivities, CapacityChangeInput, CapacityChangeResult, DriveLoadInput, DriveLoadResult, PipelineFactsResult, StepMetricsInput,
} from '../../activities/calibration/index.js';
import type { PeriodFigures } from './analysis.js';
import { withRole } from '../aws-role.js';

const quick: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 5 },
};

export class CalibrationCalls {
  private readonly fast = proxyActivities<CalibrationActivities>(quick);

  constructor(private readonly pipelineId: string) {}

  readPipelineFacts(why: string): Promise<PipelineFactsResult> {
    return this.fast.readPipelineFacts.executeWithOptions({ ...quick, summary: `Read pipeline ${this.pipelineId} ${why}` }, [{ pipelineId: this.pipelineId }]);
  }

  setAutoscalingPaused(paused: boolean): Promise<void> {
    return this.fast.setPipelineAutoscalingPaused.executeWithOptions(
      { ...quick, summary: `${paused ? 'Pause' : 'Resume'} autoscaling of pipeline ${this.pipelineId}` },
      [{ pipelineId: this.pipelineId, paused }],
    );
  }

  setReplayPaused(paused: boolean): Promise<string> {
    return this.fast.setPipelineReplayPaused.executeWithOptions(
      { ...quick, summary: `${paused ? 'Pause' : 'Resume'} the replay of pipeline ${this.pipelineId}` },
      [{ pipelineId: this.pipelineId, paused }],
    );
  }

  changeCapacity(input: CapacityChangeInput, boundSeconds: number, why: string): Promise<CapacityChangeResult> {
    const options: ActivityOptions = {
      startToCloseTimeout: `${boundSeconds + 60}s`,
      heartbeatTimeout: '30s',
      retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 5 },
      summary: `${why}: parallelism ${input.target.parallelism}, ParallelismPerKPU ${input.target.parallelismPerKpu} (the pipeline's verified scaling action)`,
    };
    return proxyActivities<CalibrationActivities>(options).changePipelineCapacity.executeWithOptions(options, [input]);
  }

  driveLoad(input: DriveLoadInput, summary: string): Promise<DriveLoadResult> {
    const options: ActivityOptions = {
      startToCloseTimeout: `${input.durationSeconds + 60}s`,
      heartbeatTimeout: '15s',
      // A new attempt holds the rate for a whole step again; its figures replace the lost ones.
      retry: { initialInterval: '1s', maximumInterval: '5s', maximumAttempts: 3 },
      cancellationType: 'WAIT_CANCELLATION_COMPLETED',
      summary,
    };
    // The load writes to the pipeline's stream: as the pipeline's role, like every call of the pipeline.
    return proxyActivities<CalibrationActivities>(options).driveCalibrationLoad.executeWithOptions(options, withRole([input]));
  }

  readMetrics(input: StepMetricsInput): Promise<PeriodFigures[]> {
    return this.fast.readCalibrationMetrics.executeWithOptions(
      { ...quick, summary: `Read ${input.applicationName}'s metrics for the step (${input.end - input.start} s)` },
      withRole([input]),
    );
  }
}
