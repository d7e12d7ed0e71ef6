/**
 * The calibration activities: the constant-rate load, reading a step's metrics, and the
 * pipeline's public messages (through a Temporal client, since workflows cannot query or
 * update each other).
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { AwsClients } from '../aws/clients.js';
import type { PeriodFigures } from '../../workflows/calibration/analysis.js';
import { activityLoadDeps, currentActivitySignal, driveLoad, type DriveLoadInput, type DriveLoadResult } from './load.js';
import { readStepMetrics, type StepMetricsInput } from './metrics.js';
import { createPipelineMessageActivities } from './pipeline.js';

export interface CalibrationActivityDeps extends AwsClients {
  /** The worker's Temporal client; without one the pipeline cannot be reached. */
  temporal?: Client;
}

export function createCalibrationActivities(deps: CalibrationActivityDeps) {
  const getClient = (): Client => {
    if (deps.temporal === undefined) {
      throw ApplicationFailure.nonRetryable('this worker was built without a Temporal client, so calibration cannot reach the pipeline', 'CalibrationMisconfigured');
    }
    return deps.temporal;
  };
  const load = activityLoadDeps(deps.kinesis);
  return {
    ...createPipelineMessageActivities(getClient),
    async driveCalibrationLoad(input: DriveLoadInput): Promise<DriveLoadResult> {
      const { signal, heartbeat } = currentActivitySignal();
      return driveLoad(load, input, signal, heartbeat);
    },
    async readCalibrationMetrics(input: StepMetricsInput): Promise<PeriodFigures[]> {
      return readStepMetrics(deps.cloudwatch, input);
    },
  };
}

export type CalibrationActivities = ReturnType<typeof createCalibrationActivities>;
export type { DriveLoadInput, DriveLoadResult } from './load.js';
export type { StepMetricsInput } from './metrics.js';
export type { CapacityChangeInput, CapacityChangeResult, PipelineFactsResult } from './pipeline.js';
