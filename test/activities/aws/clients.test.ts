import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { DescribeApplicationCommand } from '@aws-sdk/client-kinesis-analytics-v2';
import { ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../../activities/aws/clients.js';
import { awsErrorName, classifyAwsError } from '../../../activities/aws/errors.js';

// An endpoint that accepts connections and never answers: a half-open socket or a stalled HTTP/2 stream.
let server: net.Server;
let clients: AwsClients;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  clients = createAwsClients(
    { region: 'us-east-1', endpoints: { kinesis: url, flink: url, cloudwatch: url }, local: true, publicationDelaySeconds: 0, apiRateShare: 1 },
    { connectionTimeout: 200, requestTimeout: 300 },
  );
});

afterAll(async () => {
  destroyAwsClients(clients);
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(() => new Error('answered'), (err: unknown) => err);
}

describe('AWS clients against an endpoint that never answers', () => {
  it('fail each call with a retryable TimeoutError instead of hanging the activity', { timeout: 30_000 }, async () => {
    const errors = await Promise.all([
      failure(clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'trips' }))),
      failure(clients.flink.send(new DescribeApplicationCommand({ ApplicationName: 'hotspots' }))),
      failure(clients.cloudwatch.send(new ListMetricsCommand({ Namespace: 'AWS/Kinesis' }))),
    ]);
    for (const err of errors) {
      expect(awsErrorName(err)).toBe('TimeoutError');
      expect(classifyAwsError(err)).toBe('retryable');
    }
  });
});
