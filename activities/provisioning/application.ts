/**
 * Managed Service for Apache Flink side of provisioning and teardown. Like stream.ts,
 * every function converges when run again after a crash.
 */
import {
  CreateApplicationCommand, DeleteApplicationCommand, DescribeApplicationCommand,
  StartApplicationCommand, StopApplicationCommand, type ApplicationDetail, type KinesisAnalyticsV2Client,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { ApplicationFailure } from '@temporalio/common';
import type { ApplicationStatus } from '../../scaling/types.js';
import { AWS_FAILURE_TYPES, callAws, isAwsError, isNotFound, ownershipConflict, toFailure } from '../aws/errors.js';
import { applicationGone, applicationRunning, applicationStopped } from './acceptors.js';
import {
  CREATOR_RUN_TAG_KEY, PIPELINE_TAG_KEY, type ApplicationState, type EnsureApplicationInput, type EnsureResult, type StopApplicationInput,
  type StepResult, type WaitApplicationInput,
} from './types.js';
import { persisting, pollHeartbeating, waitFor, type PollTiming } from './wait.js';

function toState(detail: ApplicationDetail): ApplicationState {
  const p = detail.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription
    ?.ParallelismConfigurationDescription;
  const parallelism = p?.Parallelism ?? 1;
  return {
    applicationName: detail.ApplicationName ?? '',
    applicationArn: detail.ApplicationARN ?? '',
    status: (detail.ApplicationStatus ?? 'UNKNOWN') as ApplicationStatus,
    versionId: detail.ApplicationVersionId ?? 0,
    parallelism,
    currentParallelism: p?.CurrentParallelism ?? parallelism,
    parallelismPerKpu: p?.ParallelismPerKPU ?? 1,
    autoScalingEnabled: p?.AutoScalingEnabled ?? false,
  };
}

async function describeDetail(flink: KinesisAnalyticsV2Client, name: string): Promise<ApplicationDetail | null> {
  try {
    const out = await flink.send(new DescribeApplicationCommand({ ApplicationName: name }));
    return out.ApplicationDetail ?? null;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw toFailure(err, `describing application ${name}`);
  }
}

export async function describeApplication(flink: KinesisAnalyticsV2Client, name: string): Promise<ApplicationState | null> {
  const detail = await describeDetail(flink, name);
  return detail === null ? null : toState(detail);
}

function createRequest(input: EnsureApplicationInput) {
  const app = input.application;
  return {
    ApplicationName: app.name,
    ApplicationDescription: `Taxi hot spots of shardpilot pipeline ${input.pipelineId} ${ownershipMark(input.pipelineId)}` +
      (input.creatorRunId ? ` (${CREATOR_RUN_TAG_KEY}=${input.creatorRunId})` : ''),
    RuntimeEnvironment: app.runtime as never,
    ServiceExecutionRole: app.serviceExecutionRole,
    ApplicationMode: 'STREAMING' as const,
    ApplicationConfiguration: {
      ApplicationCodeConfiguration: {
        CodeContentType: 'ZIPFILE' as const,
        CodeContent: { S3ContentLocation: { BucketARN: app.codeLocation.bucketArn, FileKey: app.codeLocation.fileKey } },
      },
      EnvironmentProperties: {
        PropertyGroups: Object.entries(app.properties).map(([id, map]) => ({ PropertyGroupId: id, PropertyMap: map })),
      },
      FlinkApplicationConfiguration: {
        // shardpilot is the one scaling this application; AWS's own autoscaling would fight it.
        ParallelismConfiguration: {
          ConfigurationType: 'CUSTOM' as const,
          Parallelism: app.parallelism,
          ParallelismPerKPU: app.parallelismPerKpu,
          AutoScalingEnabled: false,
        },
      },
      ApplicationSnapshotConfiguration: { SnapshotsEnabled: app.snapshotsEnabled },
    },
    Tags: [
      { Key: PIPELINE_TAG_KEY, Value: input.pipelineId },
      ...(input.creatorRunId ? [{ Key: CREATOR_RUN_TAG_KEY, Value: input.creatorRunId }] : []),
    ],
  };
}

/**
 * Ownership is read from the description written at creation (next to the tag): it
 * comes back with DescribeApplication, whereas tags need another call and permission.
 */
function ownershipMark(pipelineId: string): string {
  return `(${PIPELINE_TAG_KEY}=${pipelineId})`;
}

/** Created by this pipeline — and by this very run when both the mark and the run are known. */
function ownedBy(detail: ApplicationDetail, pipelineId: string, runId: string | undefined): boolean {
  const description = detail.ApplicationDescription ?? '';
  const creatorRun = new RegExp(`\\(${CREATOR_RUN_TAG_KEY}=([^)]+)\\)`).exec(description)?.[1];
  return description.includes(ownershipMark(pipelineId)) && (creatorRun === undefined || runId === undefined || creatorRun === runId);
}

export async function ensureApplication(
  flink: KinesisAnalyticsV2Client,
  input: EnsureApplicationInput,
): Promise<EnsureResult<ApplicationState>> {
  const name = input.application.name;
  try {
    const out = await flink.send(new CreateApplicationCommand(createRequest(input)));
    return {
      created: true,
      state: out.ApplicationDetail ? toState(out.ApplicationDetail) : await describeApplication(flink, name),
      message: `Created application ${name} (${input.application.runtime}, parallelism ${input.application.parallelism})`,
    };
  } catch (err) {
    if (!isAwsError(err, 'ResourceInUseException')) throw toFailure(err, `creating application ${name}`);
  }
  const detail = await describeDetail(flink, name);
  if (detail === null) {
    // Exists and missing at once: it is being deleted right now; a later attempt can create it.
    throw ApplicationFailure.retryable(`Application ${name} exists but cannot be described yet`, AWS_FAILURE_TYPES.conflict);
  }
  const state = toState(detail);
  // Ownership before adoption: an application an earlier attempt created (then crashed) stays ours to delete.
  if (ownedBy(detail, input.pipelineId, input.creatorRunId)) {
    return { created: true, state, message: `Application ${name} was already created by an earlier attempt of this pipeline` };
  }
  if (input.application.adopt) return { created: false, state, message: `Adopted existing application ${name}` };
  throw ownershipConflict(
    `An application named ${name} already exists and does not belong to pipeline ${input.pipelineId}; ` +
      'choose another application name or set application.adopt to use it',
  );
}

const ALREADY_STARTING: readonly ApplicationStatus[] = ['STARTING', 'RUNNING', 'UPDATING', 'AUTOSCALING'];

export async function startApplication(flink: KinesisAnalyticsV2Client, name: string): Promise<StepResult> {
  const state = await describeApplication(flink, name);
  if (state !== null && ALREADY_STARTING.includes(state.status)) {
    return { acted: false, message: `Application ${name} is already ${state.status}` };
  }
  await callAws(`starting application ${name}`, () => flink.send(new StartApplicationCommand({ ApplicationName: name })));
  return { acted: true, message: `Started application ${name}` };
}

export async function waitApplicationRunning(
  flink: KinesisAnalyticsV2Client,
  timing: PollTiming,
  input: WaitApplicationInput,
): Promise<ApplicationState> {
  return waitFor(`Waiting for application ${input.applicationName} to be RUNNING`, input.timeoutSeconds, timing, async () =>
    applicationRunning(input.applicationName, await describeApplication(flink, input.applicationName)),
  );
}

async function requestStop(flink: KinesisAnalyticsV2Client, name: string, force: boolean): Promise<void> {
  try {
    await flink.send(new StopApplicationCommand({ ApplicationName: name, Force: force }));
  } catch (err) {
    if (isNotFound(err)) return;
    const now = await describeApplication(flink, name);
    // A stop already under way (or finished) is what we asked for.
    if (now === null || now.status === 'READY' || now.status === 'FORCE_STOPPING' || (!force && now.status === 'STOPPING')) return;
    throw toFailure(err, `${force ? 'force-' : ''}stopping application ${name}`);
  }
}

/** Graceful stop (with snapshot) from RUNNING; forced when graceful takes too long or the job is not RUNNING. */
export async function stopApplication(
  flink: KinesisAnalyticsV2Client,
  timing: PollTiming,
  input: StopApplicationInput,
): Promise<StepResult> {
  const name = input.applicationName;
  const state = await persisting(`Reading application ${name}`, timing, () => describeApplication(flink, name));
  if (state === null) return { acted: false, message: `Application ${name} is already gone` };
  if (state.status === 'READY') return { acted: false, message: `Application ${name} is already stopped` };
  const check = async () => applicationStopped(name, await describeApplication(flink, name));
  const gracefulPossible = state.status === 'RUNNING' || state.status === 'STOPPING';
  if (gracefulPossible) {
    if (state.status === 'RUNNING') await persisting(`Stopping application ${name}`, timing, () => requestStop(flink, name, false));
    const graceful = await pollHeartbeating(`Stopping application ${name}`, { ...timing, maxWaitMs: input.forceAfterSeconds * 1000 }, check);
    if (graceful.state === 'SUCCESS') return { acted: true, message: `Stopped application ${name}` };
  }
  await persisting(`Force-stopping application ${name}`, timing, () => requestStop(flink, name, true));
  await waitFor(`Force-stopping application ${name}`, Math.max(1, input.timeoutSeconds - input.forceAfterSeconds), timing, check);
  return { acted: true, message: `Force-stopped application ${name}` };
}

export async function deleteApplication(
  flink: KinesisAnalyticsV2Client,
  timing: PollTiming,
  input: WaitApplicationInput,
): Promise<StepResult> {
  const name = input.applicationName;
  const detail = await persisting(`Reading application ${name}`, timing, () => describeDetail(flink, name));
  let acted = false;
  if (detail !== null && detail.ApplicationStatus !== 'DELETING') {
    acted = await persisting(`Deleting application ${name}`, timing, async () => {
      try {
        await flink.send(new DeleteApplicationCommand({ ApplicationName: name, CreateTimestamp: detail.CreateTimestamp }));
        return true;
      } catch (err) {
        if (!isNotFound(err)) throw toFailure(err, `deleting application ${name}`);
        return false;
      }
    });
  }
  await waitFor(`Waiting for application ${name} to be deleted`, input.timeoutSeconds, timing, async () =>
    applicationGone(name, await describeApplication(flink, name)),
  );
  return { acted, message: acted ? `Deleted application ${name}` : `Application ${name} was already gone` };
}
