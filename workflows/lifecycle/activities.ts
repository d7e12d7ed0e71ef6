/**
 * How the life cycle calls its activities: one proxy per kind of call, each with its
 * own timeouts and retries, and a summary per call so the Temporal UI tells the story.
 *
 * - AWS calls answer in seconds: short start-to-close, several retries with backoff
 *   (AWS's throttling and transient 5xx heal by waiting).
 * - Waits poll until a resource settles: long start-to-close bounded by the activity's
 *   own deadline, a heartbeat timeout that notices a dead worker quickly, few retries.
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { ProvisioningActivities } from '../../activities/provisioning/index.js';
import { roleBound } from '../aws-role.js';

const AWS_CALL: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 8 },
};

/** Bounds of each wait; the activity gives up (retryably) at its bound, Temporal at start-to-close. */
export const WAIT_BOUNDS = {
  streamActiveSeconds: 600,
  applicationRunningSeconds: 900,
  /** A graceful stop takes a snapshot; after this it is forced. */
  stopForceAfterSeconds: 300,
  stopSeconds: 900,
  applicationDeletedSeconds: 600,
  streamDeletedSeconds: 900,
} as const;

const WAIT: ActivityOptions = {
  startToCloseTimeout: '20 minutes',
  // Polls heartbeat at least every 5 s (the SDK forwards at most one beat per 12 s here);
  // silence beyond 15 s means the worker is gone and another one should take over.
  heartbeatTimeout: '15 seconds',
  // Attempts also absorb a beat lost on a loaded host; each one is bounded by WAIT_BOUNDS.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 4 },
};

export function awsCall(summary: string) {
  return roleBound(proxyActivities<ProvisioningActivities>({ ...AWS_CALL, summary }));
}

export function waitCall(summary: string) {
  return roleBound(proxyActivities<ProvisioningActivities>({ ...WAIT, summary }));
}
