/**
 * A wait survives what 200 pipelines provisioned at once meet: a check AWS throttles is
 * one more "not yet" (the wait goes on to its bound), while a check that can never
 * succeed (not found, invalid) still fails at once.
 */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { toFailure } from '../../../activities/aws/errors.js';
import { DEFAULT_POLL_TIMING, waitFor } from '../../../activities/provisioning/wait.js';

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
