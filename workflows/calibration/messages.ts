/**
 * The calibration workflow's public contract (one per pipeline at a time, id
 * `calibration-<pipelineId>`): its input and its status query. Cancelling the workflow
 * cancels the calibration; it restores the pipeline before it ends.
 */
import { defineQuery } from '@temporalio/workflow';
import type { CalibrationStatus, ResolvedCalibrationRequest } from '../../model/calibration.js';

export const CALIBRATION_WORKFLOW_TYPE = 'calibrationWorkflow';
export const calibrationWorkflowId = (pipelineId: string): string => `calibration-${pipelineId}`;

export interface CalibrationTiming {
  /** Wait after a step's last period before reading it: CloudWatch publishes AWS/ metrics minutes late (0 on the emulator). */
  metricsDelaySeconds: number;
  /** How often waits on the pipeline poll its status. */
  pollIntervalMs: number;
}

export interface CalibrationWorkflowInput {
  pipelineId: string;
  calibrationId: string;
  request: ResolvedCalibrationRequest;
  timing?: Partial<CalibrationTiming>;
}

export const calibrationStatusQuery = defineQuery<CalibrationStatus>('calibrationStatus');
