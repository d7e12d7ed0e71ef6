/**
 * One SDK v3 client per service, created once per process from the typed config and
 * shared by every activity. Real AWS: default credential chain and endpoints. Local:
 * the emulator's endpoint and dummy credentials, since the emulator does not verify
 * signatures but the SDK refuses to sign without some.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { AwsConfig } from '../../config/index.js';

export interface AwsClients {
  kinesis: KinesisClient;
  flink: KinesisAnalyticsV2Client;
  cloudwatch: CloudWatchClient;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'shardpilot-local', secretAccessKey: 'shardpilot-local' };

function clientOptions(aws: AwsConfig, endpoint: string | undefined) {
  return {
    region: aws.region,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(aws.local ? { credentials: LOCAL_CREDENTIALS } : {}),
  };
}

export function createAwsClients(aws: AwsConfig): AwsClients {
  return {
    kinesis: new KinesisClient(clientOptions(aws, aws.endpoints.kinesis)),
    flink: new KinesisAnalyticsV2Client(clientOptions(aws, aws.endpoints.flink)),
    cloudwatch: new CloudWatchClient(clientOptions(aws, aws.endpoints.cloudwatch)),
  };
}

export function destroyAwsClients(clients: AwsClients): void {
  clients.kinesis.destroy();
  clients.flink.destroy();
  clients.cloudwatch.destroy();
}
