/**
 * docs/iam-policy.json is exactly what shardpilot needs on AWS: a full run through the
 * API (provision with a longer retention, adopt an existing stream, refuse a stream
 * someone else owns, replay, scale, roll back a stuck update, tear down) against
 * the emulator, whose call log then says which AWS actions were called on which
 * resources. Every call must be allowed by the policy (action and resource ARN), and
 * every action in the policy must have been needed (called, or required by a call, such
 * as AddTagsToStream for a CreateStream with tags).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CreateStreamCommand, DescribeStreamSummaryCommand, IncreaseStreamRetentionPeriodCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { startTestApi, terminateAllOn, type TestApi } from '../api/support/app.js';
import { cloudWatchClient, flinkClient, kinesisClient, startTestEmulator, TEST_REGION, type TestEmulator } from '../support/emulator.js';
import { runWorker, uniqueTaskQueue } from '../support/temporal.js';

interface Statement {
  Action: string[];
  Resource: string;
  Condition?: unknown;
}

const POLICY = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../docs/iam-policy.json'), 'utf8')) as { Statement: Statement[] };
const IAM_PREFIX: Record<string, string> = {
  Kinesis_20131202: 'kinesis',
  KinesisAnalytics_20180523: 'kinesisanalytics',
  GraniteServiceVersion20100801: 'cloudwatch',
};

interface Call {
  service: string;
  operation: string;
  outcome: string;
  params: Record<string, unknown>;
}

/** The IAM actions and resource ARNs one call needs (AWS's service authorization reference). */
function permissionsOf(call: Call, account: string): Array<{ action: string; resource: string }> {
  const prefix = IAM_PREFIX[call.service];
  if (prefix === undefined) throw new Error(`unknown service ${call.service}`);
  const stream = `arn:aws:kinesis:${TEST_REGION}:${account}:stream/${String(call.params.StreamName)}`;
  const application = `arn:aws:kinesisanalytics:${TEST_REGION}:${account}:application/${String(call.params.ApplicationName)}`;
  const resource = prefix === 'kinesis' ? stream : prefix === 'kinesisanalytics' ? application : '*';
  // Dashboards are resources of their own (global: no region in the ARN).
  const dashboards = call.operation === 'PutDashboard' ? [call.params.DashboardName]
    : call.operation === 'DeleteDashboards' ? (call.params.DashboardNames as unknown[]) : null;
  if (dashboards !== null) {
    return dashboards.map((name) => ({ action: `cloudwatch:${call.operation}`, resource: `arn:aws:cloudwatch::${account}:dashboard/${String(name)}` }));
  }
  const needed = [{ action: `${prefix}:${call.operation}`, resource }];
  if (call.operation === 'CreateStream' && call.params.Tags !== undefined) needed.push({ action: 'kinesis:AddTagsToStream', resource });
  if (call.operation === 'CreateApplication') {
    if (call.params.Tags !== undefined) needed.push({ action: 'kinesisanalytics:TagResource', resource });
    needed.push({ action: 'iam:PassRole', resource: String(call.params.ServiceExecutionRole) });
  }
  return needed;
}

/** IAM's wildcard match: `*` is any run of characters. */
function matches(pattern: string, resource: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(resource);
}

function allowed(action: string, resource: string, account: string): boolean {
  return POLICY.Statement.some((s) => s.Action.includes(action) && matches(s.Resource.replace('ACCOUNT_ID', account), resource));
}

describe('the IAM policy in docs/iam-policy.json', () => {
  let emulator: TestEmulator;
  let kinesis: KinesisClient;
  let api: TestApi;
  const taskQueue = uniqueTaskQueue('iam');
  const suffix = randomBytes(3).toString('hex');

  const request = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object): Promise<LightMyRequestResponse> =>
    api.app.inject({ method, url, ...(payload === undefined ? {} : { payload }) });
  async function until<T>(what: string, probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (accept(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 600)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const phase = async (id: string) => ((await request('GET', `/pipelines/${id}`)).json() as { phase?: string }).phase;
  const settled = (id: string, phases: string[]) => until(`${id} in ${phases.join('/')}`, () => phase(id), (p) => p !== undefined && phases.includes(p));
  const scalingKinds = async (id: string) =>
    ((await request('GET', `/pipelines/${id}/scaling`)).json() as { history: Array<{ kind: string; outcome: string }> }).history.map((r) => `${r.kind}:${r.outcome}`);

  async function createActiveStream(name: string, retentionHours: number): Promise<void> {
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    await until(`${name} ACTIVE`, () => kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name })),
      (d) => d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE');
    if (retentionHours > 24) await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: retentionHours }));
  }

  beforeAll(async () => {
    emulator = await startTestEmulator({ callLogLimit: 500_000, kinesis: { createStreamMs: 50, deleteStreamMs: 50, updateShardCountMs: 200 } });
    kinesis = kinesisClient(emulator);
    api = await startTestApi({ taskQueue, callTimeoutMs: 10_000 });
  });

  afterAll(async () => {
    if (api) await terminateAllOn(api.client, taskQueue).catch(() => undefined);
    await api?.close();
    kinesis?.destroy();
    await emulator?.stop();
  });

  it('allows every call of a full run and holds no action that run did not need', { timeout: 240_000 }, async () => {
    // Streams that exist before shardpilot runs; their set-up calls are not shardpilot's.
    // (An adopted stream keeps its retention: shardpilot sets retention only on streams it
    // created, which start at AWS's minimum of 24 h, so it never needs DecreaseStreamRetentionPeriod.)
    const adoptable = `iam-adopt-${suffix}-trips`;
    const taken = `iam-taken-${suffix}-trips`;
    await createActiveStream(adoptable, 72);
    await createActiveStream(taken, 24);
    await fetch(`${emulator.url}/_emulator/calls`, { method: 'DELETE' });

    const activities = createActivities({
      kinesis, flink: flinkClient(emulator), cloudwatch: cloudWatchClient(emulator), dataDir: 'data',
      pollTiming: { minDelayMs: 20, maxDelayMs: 200 }, scalingPollIntervalMs: 100,
    });
    await runWorker({ taskQueue, activities }, async () => {
      const full = `iam-full-${suffix}`;
      const scaling = { policy: 'none', enabled: true, intervalSeconds: 1, periodSeconds: 1, cooldownSeconds: 0, settleTimeoutSeconds: 3, verifyTimeoutSeconds: 15 };
      let created = await request('POST', '/pipelines', {
        id: full, stream: { shardCount: 1, retentionHours: 48 }, application: { parallelism: 1 },
        replay: { source: 'sample', speedup: 'max' }, scaling,
      });
      expect(created.statusCode, created.body).toBe(201);
      await settled(full, ['RUNNING', 'FAILED']);
      expect(await phase(full)).toBe('RUNNING');
      const scaled = await request('POST', `/pipelines/${full}/scale`, { shards: 2, parallelism: 2 });
      expect(scaled.statusCode, scaled.body).toBe(200);
      await until('the scale-out verified', () => scalingKinds(full), (k) => k.includes('verification:ok'));
      const fault = await fetch(`${emulator.url}/_emulator/flink/faults`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ application: `${full}-hotspots`, fault: 'stuck-updating' }),
      });
      expect(fault.status).toBe(200);
      expect((await request('POST', `/pipelines/${full}/scale`, { parallelism: 1 })).statusCode).toBe(200);
      await until('the stuck update rolled back', () => scalingKinds(full), (k) => k.includes('rollback:ok'));
      await until('the replay to send records', async () => emulator.admin.calls({ operation: 'PutRecords' }).length, (n) => n > 0);
      expect((await request('DELETE', `/pipelines/${full}`)).statusCode).toBe(202);

      const adopt = `iam-adopt-${suffix}`;
      created = await request('POST', '/pipelines', {
        id: adopt, stream: { name: adoptable, adopt: true, retentionHours: 48 }, application: { parallelism: 1 }, scaling: { ...scaling, enabled: false },
      });
      expect(created.statusCode, created.body).toBe(201);
      await settled(adopt, ['RUNNING', 'FAILED']);
      expect(await phase(adopt)).toBe('RUNNING');
      expect((await request('DELETE', `/pipelines/${adopt}`)).statusCode).toBe(202);

      const refused = `iam-taken-${suffix}`;
      created = await request('POST', '/pipelines', { id: refused, stream: { name: taken }, scaling: { ...scaling, enabled: false } });
      expect(created.statusCode, created.body).toBe(201);
      await settled(refused, ['FAILED', 'RUNNING']);
      expect(await phase(refused)).toBe('FAILED');

      await settled(full, ['DELETED']);
      await settled(adopt, ['DELETED']);
    });

    const account = emulator.options.accountId;
    const calls = emulator.admin.calls() as Call[];
    const needed = calls.flatMap((call) => permissionsOf(call, account));
    const denied = needed.filter((p) => !allowed(p.action, p.resource, account));
    expect(denied, 'calls the policy does not allow').toEqual([]);
    const granted = POLICY.Statement.flatMap((s) => s.Action).sort();
    const used = [...new Set(needed.map((p) => p.action))].sort();
    expect(used).toEqual(granted);
  });
});
