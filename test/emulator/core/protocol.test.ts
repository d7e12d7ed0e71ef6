/**
 * The emulator's wire: HTTP/1.1 and h2c on one port, AWS JSON error shapes, and the
 * admin API (health, call log, faults, reset). Emulator-only by nature.
 */
import http2 from 'node:http2';
import { CreateStreamCommand, ListStreamsCommand, ProvisionedThroughputExceededException } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisClient, startTestEmulator } from '../../support/emulator.js';
import type { TestEmulator } from '../../support/emulator.js';

let emulator: TestEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => emulator.stop());

async function awsCall(target: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${emulator.url}/`, {
    method: 'POST',
    headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1', ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

async function admin(method: string, path: string, body?: unknown) {
  const response = await fetch(`${emulator.url}/_emulator/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('HTTP/1.1 and h2c on one port', () => {
  it('serves an HTTP/1.1 client (fetch) with AWS JSON', async () => {
    const out = await awsCall('Kinesis_20131202.ListStreams', '{}');
    expect(out.status).toBe(200);
    expect(out.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(out.body.StreamNames).toEqual([]);
  });

  it('serves an HTTP/2 prior-knowledge client on the same port', async () => {
    const session = http2.connect(emulator.url);
    try {
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = session.request({
          ':method': 'POST',
          ':path': '/',
          'x-amz-target': 'Kinesis_20131202.ListStreams',
          'content-type': 'application/x-amz-json-1.1',
        });
        let status = 0;
        let body = '';
        req.on('response', (h) => (status = Number(h[':status'])));
        req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        req.on('end', () => resolve({ status, body }));
        req.on('error', reject);
        req.end('{}');
      });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ StreamNames: [] });
    } finally {
      session.close();
    }
  });

  it('takes the region from the SigV4 credential scope for new ARNs', async () => {
    await awsCall('Kinesis_20131202.CreateStream', JSON.stringify({ StreamName: 'regional', ShardCount: 1 }), {
      authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/kinesis/aws4_request, SignedHeaders=host, Signature=abc',
    });
    const out = await awsCall('Kinesis_20131202.DescribeStreamSummary', JSON.stringify({ StreamName: 'regional' }));
    expect((out.body.StreamDescriptionSummary as Record<string, unknown>).StreamARN).toBe(
      'arn:aws:kinesis:eu-west-1:000000000000:stream/regional',
    );
  });
});

describe('AWS error shapes', () => {
  it('answers bad JSON with SerializationException', async () => {
    const out = await awsCall('Kinesis_20131202.ListStreams', '{not json');
    expect(out.status).toBe(400);
    expect(out.headers.get('x-amzn-errortype')).toBe('SerializationException');
    expect(out.body.__type).toBe('SerializationException');
  });

  it('answers an unknown target with UnknownOperationException', async () => {
    for (const target of ['Kinesis_20131202.FlyToTheMoon', 'Nope_2020.ListStreams', '']) {
      const out = await awsCall(target, '{}');
      expect(out.status).toBe(400);
      expect(out.body.__type).toBe('UnknownOperationException');
    }
  });
});

describe('admin API', () => {
  it('reports health with the registered services', async () => {
    const out = await admin('GET', 'health');
    expect(out.status).toBe(200);
    expect(out.body.status).toBe('ok');
    expect(out.body.services).toContain('Kinesis_20131202');
  });

  it('lists calls filtered by operation, with outcome and error name', async () => {
    await awsCall('Kinesis_20131202.DescribeStream', JSON.stringify({ StreamName: 'nothing-here' }));
    const out = await admin('GET', 'calls?operation=DescribeStream');
    const calls = out.body.calls as Array<Record<string, unknown>>;
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.operation === 'DescribeStream')).toBe(true);
    expect(calls.at(-1)).toMatchObject({ outcome: 'error', error: 'ResourceNotFoundException', params: { StreamName: 'nothing-here' } });
  });

  it('fails the next N calls of an operation with the injected error, then recovers', async () => {
    const injected = await admin('POST', 'faults', {
      kind: 'fail',
      operation: 'ListStreams',
      count: 2,
      errorName: 'InternalFailure',
      message: 'boom',
      status: 500,
    });
    expect(injected.status).toBe(200);
    const first = await awsCall('Kinesis_20131202.ListStreams', '{}');
    const second = await awsCall('Kinesis_20131202.ListStreams', '{}');
    const third = await awsCall('Kinesis_20131202.ListStreams', '{}');
    expect([first.status, second.status, third.status]).toEqual([500, 500, 200]);
    expect(first.body).toEqual({ __type: 'InternalFailure', message: 'boom' });
  });

  it('throttles a share of calls so the SDK sees its typed exception', async () => {
    await admin('POST', 'faults', { kind: 'throttle', operation: 'ListStreams', share: 1 });
    const client = kinesisClient(emulator, { maxAttempts: 1 });
    try {
      const err = await client.send(new ListStreamsCommand({})).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProvisionedThroughputExceededException);
    } finally {
      client.destroy();
      await admin('DELETE', 'faults');
    }
    expect((await admin('GET', 'faults')).body.faults).toEqual([]);
  });

  it('adds latency to an operation', async () => {
    await admin('POST', 'faults', { kind: 'latency', operation: 'ListStreams', latencyMs: 150 });
    const started = Date.now();
    await awsCall('Kinesis_20131202.ListStreams', '{}');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await admin('DELETE', 'faults');
  });

  it('rejects a malformed fault with 400 and a reason', async () => {
    const out = await admin('POST', 'faults', { kind: 'fail', operation: 'ListStreams', count: 0, errorName: 'X' });
    expect(out.status).toBe(400);
    expect(out.body.error).toContain('count');
  });

  it('resets every service, the call log and the faults', async () => {
    const client = kinesisClient(emulator);
    try {
      await client.send(new CreateStreamCommand({ StreamName: 'to-forget', ShardCount: 1 }));
      await admin('POST', 'faults', { kind: 'latency', operation: 'PutRecord', latencyMs: 1 });
      expect((await admin('POST', 'reset')).status).toBe(200);
      expect((await client.send(new ListStreamsCommand({}))).StreamNames).toEqual([]);
      expect((await admin('GET', 'faults')).body.faults).toEqual([]);
      expect((await admin('GET', 'calls?operation=CreateStream')).body.calls).toEqual([]);
    } finally {
      client.destroy();
    }
  });

  it('answers 404 for an unknown admin route', async () => {
    expect((await admin('GET', 'nothing')).status).toBe(404);
  });
});
