/**
 * HTTP/1.1 clients on the same port as the SDK's HTTP/2: curl always, and the AWS CLI
 * where it is installed (checked through `whenCliInstalled`, which says when it is not).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator } from '../../support/emulator.js';
import type { TestEmulator } from '../../support/emulator.js';

const run = promisify(execFile);
let emulator: TestEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => emulator.stop());

async function curl(target: string, body: object): Promise<{ status: number; json: Record<string, unknown> }> {
  const { stdout } = await run('curl', [
    '-s', '--http1.1', '-w', '\n%{http_code}', '-X', 'POST', `${emulator.url}/`,
    '-H', `X-Amz-Target: Kinesis_20131202.${target}`,
    '-H', 'Content-Type: application/x-amz-json-1.1',
    '-d', JSON.stringify(body),
  ]);
  const lines = stdout.trimEnd().split('\n');
  return { status: Number(lines.pop()), json: JSON.parse(lines.join('\n')) as Record<string, unknown> };
}

const cliEnv = () => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ENDPOINT_URL: emulator.url,
  AWS_PAGER: '',
});

async function cliInstalled(): Promise<boolean> {
  try {
    await run('aws', ['--version']);
    return true;
  } catch {
    return false;
  }
}

async function whenCliInstalled(check: () => Promise<void>): Promise<void> {
  if (await cliInstalled()) await check();
  else process.stdout.write('AWS CLI not installed: CLI conformance not exercised on this machine\n');
}

async function aws(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('aws', ['--endpoint-url', emulator.url, ...args], { env: cliEnv() });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('curl (HTTP/1.1)', () => {
  it('creates a stream, writes and reads a record, and gets AWS errors', async () => {
    expect((await curl('CreateStream', { StreamName: 'curl-stream', ShardCount: 1 })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const put = await curl('PutRecord', { StreamName: 'curl-stream', PartitionKey: 'k', Data: Buffer.from('hi').toString('base64') });
    expect(put.status).toBe(200);
    expect(put.json.ShardId).toBe('shardId-000000000000');
    const it1 = await curl('GetShardIterator', { StreamName: 'curl-stream', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' });
    const got = await curl('GetRecords', { ShardIterator: it1.json.ShardIterator });
    expect((got.json.Records as Array<{ Data: string }>).map((r) => Buffer.from(r.Data, 'base64').toString())).toEqual(['hi']);
    const missing = await curl('DescribeStream', { StreamName: 'nope' });
    expect(missing.status).toBe(400);
    expect(missing.json.__type).toBe('ResourceNotFoundException');
  });
});

describe('AWS CLI (HTTP/1.1)', () => {
  it('drives Kinesis unchanged through AWS_ENDPOINT_URL-style settings', async () => {
    await whenCliInstalled(async () => {
      // Each CLI start costs seconds on a small machine: one invocation, the stream made over curl
      // (error framing over HTTP/1.1 is covered by the curl test).
      await curl('CreateStream', { StreamName: 'cli-stream', ShardCount: 2 });
      const summary = await aws('kinesis', 'describe-stream-summary', '--stream-name', 'cli-stream');
      expect(summary.code).toBe(0);
      expect(JSON.parse(summary.stdout).StreamDescriptionSummary.OpenShardCount).toBe(2);
    });
  });
});
