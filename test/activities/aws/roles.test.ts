/**
 * The worker side of per-pipeline roles: cached, refreshed credentials from STS (against the
 * emulator's AssumeRole), the role marker turned into the activity's role, and clients routed by it.
 */
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, createRoleClients } from '../../../activities/aws/clients.js';
import {
  AssumedRoleCredentials, REFRESH_BEFORE_EXPIRY_MS, SESSION_SECONDS, currentRole, roleAwareActivities, routeByRole,
} from '../../../activities/aws/roles.js';
import type { AwsConfig } from '../../../config/index.js';
import { ROLE_MARKER_KEY } from '../../../model/aws-role.js';
import { DUMMY_CREDENTIALS, TEST_REGION, startTestEmulator, type TestEmulator } from '../../support/emulator.js';

let emulator: TestEmulator;
let sts: STSClient;
const ROLE_A = 'arn:aws:iam::123456789012:role/tenant-a';
const ROLE_B = 'arn:aws:iam::123456789012:role/tenant-b';

beforeAll(async () => {
  emulator = await startTestEmulator();
  sts = new STSClient({ endpoint: emulator.url, region: TEST_REGION, credentials: DUMMY_CREDENTIALS });
});
afterAll(async () => {
  sts.destroy();
  await emulator.stop();
});

const assumeCalls = (role: string) => emulator.admin.calls({ operation: 'AssumeRole' }).filter((c) => (c.params as { RoleArn?: string }).RoleArn === role);

describe('AssumedRoleCredentials', () => {
  it('assumes the role once, serves the cached credentials, and assumes it again 5 minutes before they expire', async () => {
    let now = Date.now();
    const role = new AssumedRoleCredentials(sts, ROLE_A, 'shardpilot-worker', () => now);
    const [first, concurrent] = await Promise.all([role.get(), role.get()]);
    expect(concurrent).toBe(first);
    expect(await role.get()).toBe(first);
    expect(assumeCalls(ROLE_A)).toHaveLength(1);
    expect(first.sessionToken).toBeTruthy();
    // Still more than 5 minutes left: cached.
    now += SESSION_SECONDS * 1000 - REFRESH_BEFORE_EXPIRY_MS - 10_000;
    expect(await role.get()).toBe(first);
    expect(assumeCalls(ROLE_A)).toHaveLength(1);
    // Within the refresh window: new credentials before the old ones expire.
    now += 20_000;
    const refreshed = await role.get();
    expect(refreshed.accessKeyId).not.toBe(first.accessKeyId);
    expect(assumeCalls(ROLE_A)).toHaveLength(2);
  });
});

describe('role-aware activities and clients', () => {
  it('strips the role marker, runs the activity as that role, and leaves calls without a marker as they were', async () => {
    const seen: Array<[unknown[], string | undefined]> = [];
    const acts = roleAwareActivities({ op: async (...args: unknown[]) => { seen.push([args, currentRole()]); } }, true);
    await acts.op({ streamName: 's' }, { [ROLE_MARKER_KEY]: ROLE_A });
    await acts.op({ streamName: 's' });
    expect(seen).toEqual([[[{ streamName: 's' }], ROLE_A], [[{ streamName: 's' }], undefined]]);
  });

  it('refuses a call for a role when the worker cannot assume roles, rather than using its own credentials', async () => {
    const acts = roleAwareActivities({ op: async (..._args: unknown[]) => 'ran' }, false);
    await expect(acts.op({ [ROLE_MARKER_KEY]: ROLE_A })).rejects.toMatchObject({ type: 'RoleNotSupported', nonRetryable: true });
  });

  it('routes each call to the clients of the activity\'s role (one AssumeRole per role), and to the worker\'s own without one', async () => {
    const config: AwsConfig = {
      region: TEST_REGION, local: true, publicationDelaySeconds: 0, apiRateShare: 1,
      endpoints: { kinesis: emulator.url, flink: emulator.url, cloudwatch: emulator.url, sts: emulator.url },
    };
    const own = createAwsClients(config);
    const { roles, sts: workerSts } = createRoleClients(config);
    const clients = routeByRole(own, roles);
    const acts = roleAwareActivities({ list: async (..._args: unknown[]) => clients.kinesis.send(new ListStreamsCommand({})) }, true);
    const since = Date.now();
    try {
      await acts.list({ [ROLE_MARKER_KEY]: ROLE_B });
      await acts.list({ [ROLE_MARKER_KEY]: ROLE_B });
      await acts.list();
    } finally {
      roles.destroy();
      workerSts.destroy();
      own.kinesis.destroy();
      own.flink.destroy();
      own.cloudwatch.destroy();
    }
    expect(emulator.admin.calls({ operation: 'ListStreams', since }).map((c) => c.role)).toEqual([ROLE_B, ROLE_B, undefined]);
    expect(assumeCalls(ROLE_B)).toHaveLength(1);
  });
});
