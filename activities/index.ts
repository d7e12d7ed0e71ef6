/**
 * Every activity the worker registers, merged from one factory per group. Each group
 * receives only the clients it needs; tests build the same object against the emulator.
 */
import type { Client } from '@temporalio/client';
import type { AwsClients } from './aws/clients.js';
import { roleAwareActivities, routeByRole, type RoleClients } from './aws/roles.js';
import { createCalibrationActivities } from './calibration/index.js';
import { createProvisioningActivities } from './provisioning/index.js';
import type { PollTiming } from './provisioning/wait.js';
import { createReplayActivities } from './replay/index.js';
import { createScalingActivities } from './scaling/index.js';

export interface ActivityDeps extends AwsClients {
  /** Folder that replay sources other than the committed sample are read from (config.dataDir). */
  dataDir: string;
  /** Poll intervals of provisioning waits (defaults suit AWS and the emulator). */
  pollTiming?: PollTiming;
  /** Poll interval of the scaling waits (settle, verify). */
  scalingPollIntervalMs?: number;
  /** CloudWatch's publication delay (config.aws.publicationDelaySeconds); verification allows for it. */
  publicationDelaySeconds?: number;
  /** The worker's Temporal client: calibration reaches its pipeline through the pipeline's messages. */
  temporal?: Client;
  /** Clients per IAM role, for pipelines whose spec names a `roleArn`; absent: such pipelines' calls are refused. */
  roles?: RoleClients;
}

/** Activities are registered by name: two groups must never claim the same one. */
function assertDistinctNames(...groups: object[]): void {
  const seen = new Set<string>();
  for (const name of groups.flatMap((g) => Object.keys(g))) {
    if (seen.has(name)) throw new Error(`Activity ${name} is defined by two groups`);
    seen.add(name);
  }
}

export function createActivities(given: ActivityDeps) {
  // A call carrying a role marker runs as that role: the clients route to the role's (activities/aws/roles.ts).
  const deps = given.roles === undefined ? given : { ...given, ...routeByRole(given, given.roles) };
  const provisioning = createProvisioningActivities(deps);
  const scaling = createScalingActivities({ ...deps, pollIntervalMs: deps.scalingPollIntervalMs });
  const replay = createReplayActivities({ kinesis: deps.kinesis, dataDir: deps.dataDir });
  const calibration = createCalibrationActivities(deps);
  assertDistinctNames(provisioning, scaling, replay, calibration);
  return roleAwareActivities({ ...provisioning, ...scaling, ...replay, ...calibration }, given.roles !== undefined);
}

export type Activities = ReturnType<typeof createActivities>;
