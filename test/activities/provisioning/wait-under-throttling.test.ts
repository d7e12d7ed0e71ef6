/**
 * A wait survives what 200 pipelines provisioned at once meet: a check AWS throttles is
 * one more "not yet" (the wait goes on to its bound), while a check that can never
 * succeed (not found, invalid) still fails at once.
 */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { toFailure } from '../../../activities/aws/errors.js';
import type { KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { deleteApplication, stopApplication } from '../../../activities/provisioning/application.js';
import { DEFAULT_POLL_TIMING, persisting, waitFor } from '../../../activities/provisioning/wait.js';

function sdkError(name: string): Error {
  return Object.assign(new Error(`${name} happened`), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

describe('waitFor under throttling', () => {
  it('treats a throttled check as not settled yet and succeeds once the resource is', async () => {
    let checks = 0;
    const value = await waitFor('wait for stream s', 10, { minDelayMs: 1, maxDelayMs: 2 }, async () => {
      checks++;
      if (checks <= 3) throw toFailure(sdkError('LimitExceededException'), 'describing stream s');
      return { state: 'SUCCESS', reason: 'stream s is ACTIVE', value: 'arn:s' };
    });
    expect(value).toBe('arn:s');
    expect(checks).toBe(4);
  });

  it('still fails at once on a check that cannot succeed', async () => {
    let checks = 0;
    const wait = waitFor('wait for stream s', 10, DEFAULT_POLL_TIMING, async () => {
      checks++;
      throw toFailure(sdkError('ResourceNotFoundException'), 'describing stream s');
    });
    await expect(wait).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(wait).rejects.toMatchObject({ type: 'AwsResourceNotFound' });
    expect(checks).toBe(1);
  });
});

/** A Flink client that answers ThrottlingException to its first `throttled` calls, then as `answer` says. */
function throttlingFlink(throttled: number, answer: (command: { constructor: { name: string } }) => unknown): { client: KinesisAnalyticsV2Client; calls: string[] } {
  const calls: string[] = [];
  const client = {
    send: async (command: { constructor: { name: string } }) => {
      calls.push(command.constructor.name);
      if (calls.length <= throttled) throw sdkError('ThrottlingException');
      return answer(command);
    },
  } as unknown as KinesisAnalyticsV2Client;
  return { client, calls };
}

describe('the one-off calls of a teardown under throttling (100 pipelines deleted at once)', () => {
  const timing = { minDelayMs: 1, maxDelayMs: 2 };

  it('persisting repeats a throttled call until it answers, and passes any other failure through at once', async () => {
    let tries = 0;
    expect(await persisting('read x', timing, async () => {
      tries++;
      if (tries <= 5) throw toFailure(sdkError('ThrottlingException'), 'describing application x');
      return 'answer';
    })).toBe('answer');
    expect(tries).toBe(6);
    let failures = 0;
    const invalid = persisting('read x', timing, async () => {
      failures++;
      throw toFailure(sdkError('InvalidArgumentException'), 'describing application x');
    });
    await expect(invalid).rejects.toMatchObject({ type: 'AwsNonRetryable' });
    expect(failures).toBe(1);
  });

  it('stopApplication reads the application through throttled DescribeApplication answers', async () => {
    const { client, calls } = throttlingFlink(4, () => ({ ApplicationDetail: { ApplicationName: 'a', ApplicationStatus: 'READY' } }));
    const result = await stopApplication(client, timing, { applicationName: 'a', forceAfterSeconds: 5, timeoutSeconds: 10 });
    expect(result).toEqual({ acted: false, message: 'Application a is already stopped' });
    expect(calls).toEqual(Array(5).fill('DescribeApplicationCommand'));
  });

  it('deleteApplication gets its DeleteApplication through throttling and waits for the application to go', async () => {
    let deleted = false;
    const { client, calls } = throttlingFlink(0, (command) => {
      if (command.constructor.name === 'DeleteApplicationCommand') {
        if (calls.filter((c) => c === 'DeleteApplicationCommand').length <= 3) throw sdkError('ThrottlingException');
        deleted = true;
        return {};
      }
      if (deleted) throw sdkError('ResourceNotFoundException');
      return { ApplicationDetail: { ApplicationName: 'a', ApplicationStatus: 'READY', CreateTimestamp: new Date(0) } };
    });
    const result = await deleteApplication(client, timing, { applicationName: 'a', timeoutSeconds: 10 });
    expect(result).toEqual({ acted: true, message: 'Deleted application a' });
    expect(calls.filter((c) => c === 'DeleteApplicationCommand')).toHaveLength(4);
  });
});
