/**
 * What the API asks of Temporal about calibrations: plan and start one (refusing a plan
 * that does not fit its budget or the pipeline before anything starts), read its
 * progress, cancel it, and apply its result through the pipeline's own updates.
 */
import { randomBytes } from 'node:crypto';
import type { Static } from 'typebox';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { CalibrationApplyRequest, CalibrationRequest, CalibrationStatus } from '../../model/calibration.js';
import {
  CALIBRATION_WORKFLOW_TYPE, calibrationStatusQuery, calibrationWorkflowId, type CalibrationWorkflowInput,
} from '../../workflows/contract.js';
import { planCalibration } from '../../model/calibration-plan.js';
import type { PipelineGateway } from './pipelines.js';
import { conflict, ProblemError, unprocessable } from '../errors.js';
import type { CalibrationApplied as CalibrationAppliedSchema, CalibrationStarted as CalibrationStartedSchema } from '../schemas/calibration.js';

export interface CalibrationGatewayOptions {
  taskQueue: string;
  callTimeoutMs: number;
  uiUrl: string;
  namespace: string;
}

export type CalibrationStarted = Static<typeof CalibrationStartedSchema>;
export type CalibrationApplied = Static<typeof CalibrationAppliedSchema>;

const RATE_PARAMETER = 'recordsPerSecondPerParallelism';

function noCalibration(id: string): ProblemError {
  return new ProblemError(404, 'calibration-not-found', 'No calibration', `Pipeline "${id}" has not been calibrated (POST /pipelines/${id}/calibrate starts one).`);
}

export class CalibrationGateway {
  constructor(
    private readonly client: Client,
    private readonly pipelines: PipelineGateway,
    private readonly options: CalibrationGatewayOptions,
  ) {}

  async start(pipelineId: string, body: CalibrationRequest): Promise<CalibrationStarted> {
    const status = (await this.pipelines.status(pipelineId)).value;
    if (await this.isRunning(pipelineId)) throw this.alreadyRunning(pipelineId);
    if (status.phase !== 'RUNNING') throw conflict(`Pipeline "${pipelineId}" is ${status.phase}; calibration needs it RUNNING.`);
    if (status.capacity === null) throw conflict(`Pipeline "${pipelineId}" has not read its capacity yet; try again in a few seconds.`);
    const { plan, problems } = planCalibration(body, {
      shards: status.capacity.shards,
      parallelism: status.capacity.parallelism,
      periodSeconds: status.autoscaling.periodSeconds,
      maxKpus: status.autoscaling.limits.maxKpus,
    });
    if (plan === null) throw unprocessable(problems.map((p) => ({ ...p, in: 'body' })));
    const calibrationId = `cal-${randomBytes(5).toString('hex')}`;
    const workflowId = calibrationWorkflowId(pipelineId);
    const input: CalibrationWorkflowInput = {
      pipelineId, calibrationId, request: plan.request,
      // AWS publishes AWS/ metrics a few minutes late; per-second periods come from the emulator, which publishes at once.
      timing: { metricsDelaySeconds: status.autoscaling.periodSeconds >= 60 ? 180 : 0 },
    };
    try {
      await this.client.workflow.start(CALIBRATION_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: this.options.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        staticSummary: `KPU calibration of pipeline ${pipelineId}: ${plan.request.rates.length} rates up to ${plan.request.rates.at(-1)} records/s at parallelism ${plan.request.parallelism ?? 'one KPU per phase'}, ParallelismPerKPU ${plan.request.parallelismPerKpu.join(' vs ')}`,
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw this.alreadyRunning(pipelineId);
      throw err;
    }
    return {
      pipelineId, calibrationId, workflowId,
      status: `/pipelines/${pipelineId}/calibration`,
      temporalUi: `${this.options.uiUrl}/namespaces/${encodeURIComponent(this.options.namespace)}/workflows/${encodeURIComponent(workflowId)}`,
      plan: {
        rates: plan.request.rates, parallelism: plan.request.parallelism, parallelismPerKpu: plan.request.parallelismPerKpu,
        worstCaseSeconds: plan.worstCaseSeconds, worstCaseCostUsd: Math.round(plan.worstCaseCostUsd * 10_000) / 10_000,
      },
    };
  }

  /** The latest calibration (running or finished) of the pipeline. */
  async status(pipelineId: string): Promise<CalibrationStatus> {
    try {
      return await this.bounded(() => this.client.workflow.getHandle(calibrationWorkflowId(pipelineId)).query(calibrationStatusQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw noCalibration(pipelineId);
      throw err;
    }
  }

  /** Cancels a running calibration; it restores the pipeline before it ends. */
  async cancel(pipelineId: string): Promise<CalibrationStatus> {
    const current = await this.status(pipelineId);
    if (current.finishedAt !== null) throw conflict(`The calibration of pipeline "${pipelineId}" has already ended (${current.state}).`);
    await this.client.workflow.getHandle(calibrationWorkflowId(pipelineId)).cancel();
    return current;
  }

  /**
   * Sets the policy's per-unit rate (article-step's 4,400, adaptive's prior) and, when
   * asked, the recommended ParallelismPerKPU — the latter as a scale override, so the
   * pipeline applies it as any action: verified, rolled back on failure.
   */
  async apply(pipelineId: string, body: CalibrationApplyRequest): Promise<CalibrationApplied> {
    const calibration = await this.status(pipelineId);
    const result = calibration.result;
    if (result === null || (calibration.state !== 'completed' && calibration.state !== 'budget-exhausted')) {
      throw conflict(`The calibration of pipeline "${pipelineId}" has no result to apply (${calibration.state}${calibration.error ? `: ${calibration.error}` : ''}).`);
    }
    const pipeline = (await this.pipelines.status(pipelineId)).value;
    const messages: string[] = [];
    const recommendedK = result.recommendation.parallelismPerKpu;
    const setK = body.parallelismPerKpu === true && pipeline.capacity?.parallelismPerKpu !== recommendedK;
    if (setK) {
      const accepted = await this.pipelines.scale(pipelineId, { parallelismPerKpu: recommendedK, reason: `apply calibration ${calibration.calibrationId}` });
      messages.push(`ParallelismPerKPU ${recommendedK}: ${accepted.message}`);
    } else if (body.parallelismPerKpu === true) {
      messages.push(`ParallelismPerKPU is already ${recommendedK}`);
    }
    // The per-unit rate depends on ParallelismPerKPU: take the one measured at the value the pipeline will run with.
    const k = body.parallelismPerKpu === true ? recommendedK : (pipeline.capacity?.parallelismPerKpu ?? 1);
    const phase = result.phases.find((p) => p.parallelismPerKpu === k && p.recordsPerSecondPerParallelism !== null);
    const rate = Math.round(phase?.recordsPerSecondPerParallelism ?? result.recordsPerSecondPerParallelism);
    if (phase === undefined) messages.push(`ParallelismPerKPU ${k} was not measured; using the baseline rate`);
    const policy = pipeline.autoscaling.policy;
    const rateApplied = RATE_PARAMETER in pipeline.autoscaling.parameters;
    if (rateApplied) {
      await this.pipelines.changeAutoscaling(pipelineId, { parameters: { [RATE_PARAMETER]: rate } });
      messages.push(`policy ${policy}: ${RATE_PARAMETER} = ${rate}`);
    } else {
      messages.push(`policy ${policy} has no per-unit rate; nothing to set (article-step, adaptive and ds2 use one)`);
    }
    return {
      pipelineId, calibrationId: calibration.calibrationId, recordsPerSecondPerParallelism: rate, policy, rateApplied,
      parallelismPerKpu: body.parallelismPerKpu === true ? recommendedK : null, messages,
    };
  }

  private alreadyRunning(pipelineId: string): ProblemError {
    return conflict(`A calibration of pipeline "${pipelineId}" is already running; cancel it (DELETE /pipelines/${pipelineId}/calibration) or wait for it.`);
  }

  private async isRunning(pipelineId: string): Promise<boolean> {
    try {
      const description = await this.bounded(() => this.client.workflow.getHandle(calibrationWorkflowId(pipelineId)).describe());
      return description.status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  private bounded<T>(fn: () => Promise<T>): Promise<T> {
    return this.client.connection.withDeadline(Date.now() + this.options.callTimeoutMs, fn);
  }
}
