/**
 * Pure state checks for the waiters: given what one describe call returned (`null` when
 * the resource does not exist), is the wait over, failed, or still going?
 */
import type { Acceptance } from '../aws/waiter.js';
import type { ApplicationState, StreamState } from './types.js';

export function streamActive(name: string, state: StreamState | null): Acceptance<StreamState> {
  if (state === null) return { state: 'FAILURE', reason: `stream ${name} does not exist` };
  switch (state.status) {
    case 'ACTIVE':
      return { state: 'SUCCESS', reason: `stream ${name} is ACTIVE with ${state.openShards} open shards`, value: state };
    case 'CREATING':
    case 'UPDATING':
      return { state: 'RETRY', reason: `stream ${name} is ${state.status}` };
    default:
      return { state: 'FAILURE', reason: `stream ${name} is ${state.status}, it will not become ACTIVE` };
  }
}

export function streamGone(name: string, state: StreamState | null): Acceptance<null> {
  if (state === null) return { state: 'SUCCESS', reason: `stream ${name} is gone`, value: null };
  return { state: 'RETRY', reason: `stream ${name} is ${state.status}` };
}

export function applicationRunning(name: string, state: ApplicationState | null): Acceptance<ApplicationState> {
  if (state === null) return { state: 'FAILURE', reason: `application ${name} does not exist` };
  switch (state.status) {
    case 'RUNNING':
      return {
        state: 'SUCCESS',
        reason: `application ${name} is RUNNING with parallelism ${state.currentParallelism}`,
        value: state,
      };
    case 'STARTING':
    case 'UPDATING':
    case 'AUTOSCALING':
    case 'ROLLING_BACK':
    case 'MAINTENANCE':
      return { state: 'RETRY', reason: `application ${name} is ${state.status}` };
    default:
      // A start that fails sends the application back to READY; waiting longer will not help.
      return { state: 'FAILURE', reason: `application ${name} is ${state.status}, not starting` };
  }
}

export function applicationStopped(name: string, state: ApplicationState | null): Acceptance<ApplicationState | null> {
  if (state === null) return { state: 'SUCCESS', reason: `application ${name} is gone`, value: null };
  if (state.status === 'READY') return { state: 'SUCCESS', reason: `application ${name} is stopped (READY)`, value: state };
  return { state: 'RETRY', reason: `application ${name} is ${state.status}` };
}

export function applicationGone(name: string, state: ApplicationState | null): Acceptance<null> {
  if (state === null) return { state: 'SUCCESS', reason: `application ${name} is gone`, value: null };
  return { state: 'RETRY', reason: `application ${name} is ${state.status}` };
}
