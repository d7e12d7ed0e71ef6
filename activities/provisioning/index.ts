/**
 * Provisioning and teardown activities, built from the clients they need so tests can
 * hand in clients pointed at the emulator.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import * as dashboard from './dashboard.js';
import { Context } from '@temporalio/activity';
import * as app from './application.js';
import * as stream from './stream.js';
import type {
  ApplicationState, EnsureApplicationInput, PipelineDashboardInput, EnsureResult, EnsureStreamInput, EnsureStreamRetentionInput, StopApplicationInput,
  StreamState, StepResult, WaitApplicationInput, WaitStreamInput,
} from './types.js';
import { DEFAULT_POLL_TIMING, type PollTiming } from './wait.js';

/** The workflow run this activity works for (it tags what it creates); none outside a workflow. */
function creatorRunId(): string | undefined {
  try {
    return Context.current().info.workflowExecution?.runId;
  } catch {
    return undefined;
  }
}

export interface ProvisioningDeps {
  kinesis: KinesisClient;
  flink: KinesisAnalyticsV2Client;
  cloudwatch: CloudWatchClient;
  /** How often waits poll; defaults suit AWS and the emulator alike. */
  pollTiming?: PollTiming;
}

export function createProvisioningActivities(deps: ProvisioningDeps) {
  const { kinesis, flink, cloudwatch } = deps;
  const timing = deps.pollTiming ?? DEFAULT_POLL_TIMING;
  return {
    ensureStream: (input: EnsureStreamInput): Promise<EnsureResult<StreamState>> =>
      stream.ensureStream(kinesis, { creatorRunId: creatorRunId(), ...input }),
    waitStreamActive: (input: WaitStreamInput): Promise<StreamState> => stream.waitStreamActive(kinesis, timing, input),
    ensureStreamRetention: (input: EnsureStreamRetentionInput): Promise<StepResult> =>
      stream.ensureStreamRetention(kinesis, input),
    describeStream: (streamName: string): Promise<StreamState | null> => stream.describeStream(kinesis, streamName),
    deleteStream: (input: WaitStreamInput): Promise<StepResult> => stream.deleteStream(kinesis, timing, input),
    ensureApplication: (input: EnsureApplicationInput): Promise<EnsureResult<ApplicationState>> =>
      app.ensureApplication(flink, { creatorRunId: creatorRunId(), ...input }),
    startApplication: (applicationName: string): Promise<StepResult> => app.startApplication(flink, applicationName),
    waitApplicationRunning: (input: WaitApplicationInput): Promise<ApplicationState> =>
      app.waitApplicationRunning(flink, timing, input),
    describeApplication: (applicationName: string): Promise<ApplicationState | null> =>
      app.describeApplication(flink, applicationName),
    stopApplication: (input: StopApplicationInput): Promise<StepResult> => app.stopApplication(flink, timing, input),
    deleteApplication: (input: WaitApplicationInput): Promise<StepResult> => app.deleteApplication(flink, timing, input),
    putPipelineDashboard: (input: PipelineDashboardInput): Promise<StepResult> => dashboard.putPipelineDashboard(cloudwatch, input),
    deletePipelineDashboard: (dashboardName: string): Promise<StepResult> => dashboard.deletePipelineDashboard(cloudwatch, dashboardName),
  };
}

export type ProvisioningActivities = ReturnType<typeof createProvisioningActivities>;
export type * from './types.js';
export { PIPELINE_TAG_KEY } from './types.js';
