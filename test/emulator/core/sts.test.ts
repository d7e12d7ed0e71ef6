/**
 * STS AssumeRole on the emulator, on the wire as AWS answers it (query protocol, XML), driven
 * by the SDK's own STS client; and the call log naming the role whose credentials signed a call.
 */
import { CreateStreamCommand, ListStreamsCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUMMY_CREDENTIALS, TEST_REGION, startTestEmulator, type TestEmulator } from '../../support/emulator.js';

let emulator: TestEmulator;
let sts: STSClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  sts = new STSClient({ endpoint: emulator.url, region: TEST_REGION, credentials: DUMMY_CREDENTIALS, maxAttempts: 1 });
});
afterAll(async () => {
  sts.destroy();
  await emulator.stop();
});

const ROLE = 'arn:aws:iam::123456789012:role/pipelines/shardpilot-tenant-a';

describe('STS AssumeRole (emulator)', () => {
  it('answers temporary credentials for the role, expiring after DurationSeconds, and names the assumed-role session', async () => {
    const before = Date.now();
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'shardpilot-worker', DurationSeconds: 900 }));
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
    expect(out.Credentials?.SecretAccessKey).toBeTruthy();
    expect(out.Credentials?.SessionToken).toBeTruthy();
    const expiresIn = (out.Credentials?.Expiration?.getTime() ?? 0) - before;
    expect(expiresIn).toBeGreaterThan(890_000);
    expect(expiresIn).toBeLessThanOrEqual(901_000);
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/shardpilot-tenant-a/shardpilot-worker');
  });

  it.each([
    ['an IAM user instead of a role', { RoleArn: 'arn:aws:iam::123456789012:user/ops', RoleSessionName: 's1' }, /is invalid/],
    ['a session name with a space', { RoleArn: ROLE, RoleSessionName: 'bad name' }, /roleSessionName/],
    ['a duration under 900 s', { RoleArn: ROLE, RoleSessionName: 's1', DurationSeconds: 60 }, /durationSeconds.*between 900 and 43200/],
  ])('refuses %s with ValidationError', async (_what, input, message) => {
    const err = await sts.send(new AssumeRoleCommand(input)).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
    expect((err as Error).message).toMatch(message);
  });

  it('logs each call with the role whose temporary credentials signed it, and none for the caller\'s own', async () => {
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'shardpilot-worker' }));
    const c = out.Credentials!;
    const asRole = new KinesisClient({
      endpoint: emulator.url, region: TEST_REGION,
      credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
    });
    const own = new KinesisClient({ endpoint: emulator.url, region: TEST_REGION, credentials: DUMMY_CREDENTIALS });
    try {
      await asRole.send(new CreateStreamCommand({ StreamName: 'sts-role-stream', ShardCount: 1 }));
      await own.send(new ListStreamsCommand({}));
    } finally {
      asRole.destroy();
      own.destroy();
    }
    expect(emulator.admin.calls({ operation: 'CreateStream' }).map((e) => e.role)).toEqual([ROLE]);
    expect(emulator.admin.calls({ operation: 'ListStreams' }).map((e) => e.role)).toEqual([undefined]);
    const assumed = emulator.admin.calls({ operation: 'AssumeRole' });
    expect(assumed.at(-1)).toMatchObject({ service: 'sts', outcome: 'ok', params: { RoleArn: ROLE, RoleSessionName: 'shardpilot-worker' } });
  });
});
