/**
 * The scaling activities as the workflow sees them: quick AWS calls retried briefly
 * (activities/aws/errors.ts marks what no retry can fix),
 * and the bounded waits that heartbeat (so a lost worker is noticed in seconds).
 */
import { proxyActivities, type ActivityInterfaceFor, type ActivityOptions } from '@temporalio/workflow';
import type { ScalingActivities } from '../../activities/scaling/index.js';
import type { ScalingSpec } from '../../model/spec.js';

export interface ScalingCalls {
  fast: ActivityInterfaceFor<ScalingActivities>;
  wait: ActivityInterfaceFor<ScalingActivities>;
  fastOptions: ActivityOptions;
  waitOptions: ActivityOptions;
}

export function scalingCalls(scaling: ScalingSpec): ScalingCalls {
  const fastOptions: ActivityOptions = {
    startToCloseTimeout: '30s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 5},
  };
  // The deadline travels inside the input, so retries cannot stretch a wait past its bound.
  const longest = Math.max(scaling.settleTimeoutSeconds, scaling.verifyTimeoutSeconds);
  const waitOptions: ActivityOptions = {
    startToCloseTimeout: `${longest + 60}s`,
    heartbeatTimeout: '10s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 20 },
  };
  return {
    fast: proxyActivities<ScalingActivities>(fastOptions),
    wait: proxyActivities<ScalingActivities>(waitOptions),
    fastOptions,
    waitOptions,
  };
}
