/** Schemas of the calibration resource: start, progress/result, apply. Declared once in model/calibration.ts. */
import { Type } from 'typebox';
import { CalibrationApplyRequest, CalibrationRequest, CalibrationStatus } from '../../model/calibration.js';

export { CalibrationApplyRequest, CalibrationRequest, CalibrationStatus };

export const CalibrationStarted = Type.Object({
  pipelineId: Type.String(),
  calibrationId: Type.String(),
  workflowId: Type.String(),
  status: Type.String({ description: 'Where to follow progress: GET this URL.' }),
  temporalUi: Type.String({ description: 'The calibration workflow in the Temporal Web UI.' }),
  plan: Type.Object({
    rates: Type.Array(Type.Integer()),
    parallelism: Type.Union([Type.Integer(), Type.Null()], { description: 'null: each phase at parallelism = its ParallelismPerKPU (one task KPU).' }),
    parallelismPerKpu: Type.Array(Type.Integer()),
    worstCaseSeconds: Type.Number(),
    worstCaseCostUsd: Type.Number(),
  }, { description: 'The ramp and the worst case it may take; both within the budget.' }),
});

export const CalibrationApplied = Type.Object({
  pipelineId: Type.String(),
  calibrationId: Type.String(),
  recordsPerSecondPerParallelism: Type.Number(),
  policy: Type.String(),
  rateApplied: Type.Boolean({ description: 'False when the policy in force has no per-unit rate (aws-cpu, none).' }),
  parallelismPerKpu: Type.Union([Type.Integer(), Type.Null()], { description: 'The ParallelismPerKPU requested, or null when not asked.' }),
  messages: Type.Array(Type.String()),
});
