/**
 * One SDK v3 client per service, created once per process from the typed config and
 * shared by every activity. Real AWS: default credential chain and endpoints. Local:
 * the emulator's endpoint and dummy credentials, since the emulator does not verify
 * signatures but the SDK refuses to sign without some.
 */
import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsConfig } from '../../config/index.js';
import { AccountPacer, paceClient } from './pacing.js';
import { AssumedRoleCredentials, RoleClients } from './roles.js';

export interface AwsClients {
  kinesis: KinesisClient;
  flink: KinesisAnalyticsV2Client;
  cloudwatch: CloudWatchClient;
}

/** Static keys or a provider (a pipeline role's, activities/aws/roles.ts), as every v3 client takes them. */
type AwsCredentialIdentityProvider = NonNullable<KinesisClientConfig['credentials']>;

const LOCAL_CREDENTIALS = { accessKeyId: 'shardpilot-local', secretAccessKey: 'shardpilot-local' };

/**
 * The SDK sets no timeout on a request by default, so a connection that stops answering
 * (a half-open socket, a stalled HTTP/2 stream — aws-sdk-js-v3 #3809 and kin) blocks the
 * activity until its own start-to-close timeout: minutes for a replay chunk. With these,
 * such a request fails as a `TimeoutError`, which the SDK and our error mapping retry.
 * Kinesis keeps the HTTP/2 handler and the one option its generated config sets
 * (`disableConcurrentStreams`), which an explicit handler configuration would otherwise drop.
 */
export interface HttpTimeouts {
  connectionTimeout: number;
  requestTimeout: number;
}
export const AWS_HTTP_TIMEOUTS: HttpTimeouts = { connectionTimeout: 5_000, requestTimeout: 30_000 };
/** HTTP/1.1 handler options; without `throwOnRequestTimeout` the handler only logs a breach of the request timeout. */
export function http1(timeouts: HttpTimeouts = AWS_HTTP_TIMEOUTS) {
  return { ...timeouts, throwOnRequestTimeout: true };
}
export function kinesisHttp2(timeouts: HttpTimeouts = AWS_HTTP_TIMEOUTS) {
  return { requestTimeout: timeouts.requestTimeout, disableConcurrentStreams: true };
}

function clientOptions(aws: AwsConfig, endpoint: string | undefined, credentials?: AwsCredentialIdentityProvider) {
  return {
    region: aws.region,
    ...(endpoint === undefined ? {} : { endpoint }),
    // A pipeline's role (STS) wins; else the emulator's dummy keys locally; else the default chain.
    ...(credentials !== undefined ? { credentials } : aws.local ? { credentials: LOCAL_CREDENTIALS } : {}),
  };
}

/** The three clients; `credentials` (a pipeline role's provider) replaces the default chain. */
export function createAwsClients(aws: AwsConfig, timeouts: HttpTimeouts = AWS_HTTP_TIMEOUTS, credentials?: AwsCredentialIdentityProvider): AwsClients {
  // One pacer per set of clients: the default chain's account, or a pipeline role's (activities/aws/pacing.ts).
  const pacer = new AccountPacer(aws.apiRateShare);
  return {
    kinesis: paceClient(new KinesisClient({ ...clientOptions(aws, aws.endpoints.kinesis, credentials), requestHandler: kinesisHttp2(timeouts) }), 'kinesis', pacer),
    flink: paceClient(new KinesisAnalyticsV2Client({ ...clientOptions(aws, aws.endpoints.flink, credentials), requestHandler: http1(timeouts) }), 'flink', pacer),
    cloudwatch: paceClient(new CloudWatchClient({ ...clientOptions(aws, aws.endpoints.cloudwatch, credentials), requestHandler: http1(timeouts) }), 'cloudwatch', pacer),
  };
}

/** The STS client and per-role clients for pipelines that name a role (activities/aws/roles.ts). */
export function createRoleClients(aws: AwsConfig, timeouts: HttpTimeouts = AWS_HTTP_TIMEOUTS): { roles: RoleClients; sts: STSClient } {
  const sts = new STSClient({ ...clientOptions(aws, aws.endpoints.sts), requestHandler: http1(timeouts) });
  const roles = new RoleClients(
    (role) => createAwsClients(aws, timeouts, role.provider),
    (roleArn) => new AssumedRoleCredentials(sts, roleArn, 'shardpilot-worker'),
  );
  return { roles, sts };
}

export function destroyAwsClients(clients: AwsClients): void {
  clients.kinesis.destroy();
  clients.flink.destroy();
  clients.cloudwatch.destroy();
}
