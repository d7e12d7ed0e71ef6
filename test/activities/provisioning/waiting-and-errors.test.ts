import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AWS_FAILURE_TYPES, classifyAwsError, toFailure } from '../../../activities/aws/errors.js';
import { backoffDelayMs, waitUntil, type Acceptance } from '../../../activities/aws/waiter.js';
import {
  applicationRunning, applicationStopped, streamActive, streamGone,
} from '../../../activities/provisioning/acceptors.js';
import type { ApplicationState, StreamState } from '../../../activities/provisioning/types.js';

const stream = (status: StreamState['status']): StreamState => ({
  streamName: 's', streamArn: 'arn:s', status, openShards: 4, retentionHours: 24,
});
const app = (status: ApplicationState['status']): ApplicationState => ({
  applicationName: 'a', applicationArn: 'arn:a', status, versionId: 1, parallelism: 2, currentParallelism: 2,
  parallelismPerKpu: 1, autoScalingEnabled: false,
});
const sdkError = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`${name} happened`), { name, ...extra });

describe('AWS error mapping: error name → failure kind', () => {
  it.each([
    ['ThrottlingException', 'retryable'],
    ['LimitExceededException', 'retryable'],
    ['InternalFailure', 'retryable'],
    ['ResourceInUseException', 'conflict'],
    ['ConcurrentModificationException', 'conflict'],
    ['ResourceNotFoundException', 'not-found'],
    ['ValidationException', 'non-retryable'],
    ['InvalidArgumentException', 'non-retryable'],
    ['AccessDeniedException', 'non-retryable'],
  ])('%s is %s', (name, kind) => {
    expect(classifyAwsError(sdkError(name))).toBe(kind);
  });

  it('treats an unknown 4xx as non-retryable and an unknown 5xx or a refused connection as retryable', () => {
    expect(classifyAwsError(sdkError('SomethingNewException', { $fault: 'client' }))).toBe('non-retryable');
    expect(classifyAwsError(sdkError('SomethingNewException', { $fault: 'server' }))).toBe('retryable');
    expect(classifyAwsError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe('retryable');
  });

  it('builds failures whose type and retry flag follow the kind, with the step in the message', () => {
    const invalid = toFailure(sdkError('InvalidArgumentException'), 'creating application a');
    expect(invalid).toBeInstanceOf(ApplicationFailure);
    expect(invalid.type).toBe(AWS_FAILURE_TYPES.nonRetryable);
    expect(invalid.nonRetryable).toBe(true);
    expect(invalid.message).toBe('creating application a failed: InvalidArgumentException: InvalidArgumentException happened');
    const busy = toFailure(sdkError('ResourceInUseException'), 'deleting stream s');
    expect(busy.type).toBe(AWS_FAILURE_TYPES.conflict);
    expect(busy.nonRetryable).toBe(false);
    const throttled = toFailure(sdkError('ThrottlingException'), 'x');
    expect([throttled.type, throttled.nonRetryable]).toEqual([AWS_FAILURE_TYPES.retryable, false]);
  });
});

describe('state checks of the provisioning waits', () => {
  it('a stream is done when ACTIVE, keeps waiting while CREATING, fails when DELETING or missing', () => {
    expect(streamActive('s', stream('ACTIVE')).state).toBe('SUCCESS');
    expect(streamActive('s', stream('CREATING')).state).toBe('RETRY');
    expect(streamActive('s', stream('DELETING')).state).toBe('FAILURE');
    expect(streamActive('s', null).state).toBe('FAILURE');
    expect(streamGone('s', null).state).toBe('SUCCESS');
    expect(streamGone('s', stream('DELETING')).state).toBe('RETRY');
  });

  it('an application is done when RUNNING, waits while STARTING, fails when it fell back to READY', () => {
    expect(applicationRunning('a', app('RUNNING')).state).toBe('SUCCESS');
    expect(applicationRunning('a', app('STARTING')).state).toBe('RETRY');
    expect(applicationRunning('a', app('READY')).state).toBe('FAILURE');
    expect(applicationStopped('a', app('STOPPING')).state).toBe('RETRY');
    expect(applicationStopped('a', app('READY')).state).toBe('SUCCESS');
    expect(applicationStopped('a', null).state).toBe('SUCCESS');
  });
});

describe('waitUntil: SDK-shaped waiter with backoff and a deadline', () => {
  it('grows the delay exponentially from the minimum and caps it at the maximum', () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelayMs(a, 100, 1000, top))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelayMs(5, 100, 1000, () => 0)).toBe(100);
  });

  it('polls until the check succeeds and reports every poll', async () => {
    const states: Array<Acceptance<string>> = [
      { state: 'RETRY', reason: 'creating' },
      { state: 'RETRY', reason: 'still creating' },
      { state: 'SUCCESS', reason: 'active', value: 'done' },
    ];
    const seen: string[] = [];
    const result = await waitUntil({ minDelayMs: 1, maxDelayMs: 2, maxWaitMs: 5_000, onPoll: (n, r) => seen.push(`${n}:${r}`) }, async () =>
      states.shift() as Acceptance<string>,
    );
    expect(result).toEqual({ state: 'SUCCESS', reason: 'active', attempts: 3, value: 'done' });
    expect(seen).toEqual(['1:creating', '2:still creating', '3:active']);
  });

  it('stops at the deadline with the last reason, and at once on a failure state', async () => {
    let now = 0;
    const timeout = await waitUntil({ minDelayMs: 1, maxDelayMs: 1, maxWaitMs: 10, nowMs: () => (now += 4) }, async () => ({
      state: 'RETRY' as const,
      reason: 'stream s is CREATING',
    }));
    expect(timeout.state).toBe('TIMEOUT');
    expect(timeout.reason).toBe('stream s is CREATING');
    const failed = await waitUntil({ minDelayMs: 1, maxDelayMs: 1, maxWaitMs: 1000 }, async () => ({ state: 'FAILURE' as const, reason: 'gone' }));
    expect(failed).toMatchObject({ state: 'FAILURE', attempts: 1 });
  });

  it('ends as ABORTED when its signal fires during a back-off', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const result = await waitUntil({ minDelayMs: 5_000, maxDelayMs: 5_000, maxWaitMs: 60_000, abortSignal: controller.signal }, async () => ({
      state: 'RETRY' as const,
      reason: 'waiting',
    }));
    expect(result.state).toBe('ABORTED');
  });
});
