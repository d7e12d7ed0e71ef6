/**
 * Every activity the worker registers, merged from one factory per group. Each group
 * receives only the clients it needs; tests build the same object against the emulator.
 */
import type { AwsClients } from './aws/clients.js';
import { createProvisioningActivities } from './provisioning/index.js';
import type { PollTiming } from './provisioning/wait.js';
import { createScalingActivities } from './scaling/index.js';

export interface ActivityDeps extends AwsClients {
  /** Poll intervals of provisioning waits (defaults suit AWS and the emulator). */
  pollTiming?: PollTiming;
  /** Poll interval of the scaling waits (settle, verify). */
  scalingPollIntervalMs?: number;
}

export function createActivities(deps: ActivityDeps) {
  const provisioning = createProvisioningActivities(deps);
  const scaling = createScalingActivities({ ...deps, pollIntervalMs: deps.scalingPollIntervalMs });
  return { ...provisioning, ...scaling };
}

export type Activities = ReturnType<typeof createActivities>;
