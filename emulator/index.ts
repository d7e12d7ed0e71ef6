/**
 * Assembles the emulated services: Kinesis and Managed Flink publish into CloudWatch
 * (the MetricSink) and the Flink job reads Kinesis in process (the StreamReader).
 */
import { createCloudWatchService } from './cloudwatch/index.js';
import type { CloudWatchService } from './cloudwatch/index.js';
import type { EmulatorOptions } from './config.js';
import type { Clock, MetricSink, ServiceModule, StreamReader } from './core/types.js';
import { createFlinkService } from './flink/index.js';
import type { FlinkService } from './flink/index.js';
import { createKinesisService } from './kinesis/index.js';
import type { KinesisService } from './kinesis/index.js';

export interface EmulatorServices {
  modules: ServiceModule[];
  kinesis: KinesisService;
  cloudwatch: CloudWatchService;
  flink: FlinkService;
  metrics: MetricSink;
  streams: StreamReader;
}

export function createServices(options: EmulatorOptions, clock: Clock): EmulatorServices {
  const cloudwatch = createCloudWatchService({ config: options.cloudwatch, clock });
  const kinesis = createKinesisService({ options: options.kinesis, accountId: options.accountId, clock, metrics: cloudwatch });
  const flink = createFlinkService({ config: options.flink, metrics: cloudwatch, streams: kinesis.streams, clock });
  return {
    modules: [kinesis, cloudwatch, flink],
    kinesis,
    cloudwatch,
    flink,
    metrics: cloudwatch,
    streams: kinesis.streams,
  };
}
