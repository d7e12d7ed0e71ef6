/**
 * Assembles the emulated services: Kinesis publishes into CloudWatch (the MetricSink)
 * and the Managed Flink module reads Kinesis in process (the StreamReader).
 */
import { createCloudWatchService } from './cloudwatch/index.js';
import type { CloudWatchService } from './cloudwatch/index.js';
import type { EmulatorOptions } from './config.js';
import type { Clock, MetricSink, ServiceModule, StreamReader } from './core/types.js';
import { createKinesisService } from './kinesis/index.js';
import type { KinesisService } from './kinesis/index.js';

export interface EmulatorServices {
  modules: ServiceModule[];
  kinesis: KinesisService;
  cloudwatch: CloudWatchService;
  /** Null while the Managed Flink module is not part of the build. */
  flink: ServiceModule | null;
  metrics: MetricSink;
  streams: StreamReader;
}

interface FlinkFactoryDeps {
  config: EmulatorOptions['flink'];
  metrics: MetricSink;
  streams: StreamReader;
  clock: Clock;
  accountId: string;
  region: string;
}
type FlinkFactory = (deps: FlinkFactoryDeps) => ServiceModule;

/**
 * The Flink module is developed beside this one; it is loaded when present so the
 * emulator keeps serving Kinesis and CloudWatch without it.
 */
async function loadFlinkFactory(): Promise<FlinkFactory | null> {
  const specifier = './flink/index.js';
  try {
    const loaded = (await import(specifier)) as { createFlinkService?: FlinkFactory };
    return loaded.createFlinkService ?? null;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return null;
    throw err;
  }
}

export async function createServices(options: EmulatorOptions, clock: Clock): Promise<EmulatorServices> {
  const cloudwatch = createCloudWatchService({ config: options.cloudwatch, clock });
  const kinesis = createKinesisService({ options: options.kinesis, accountId: options.accountId, clock, metrics: cloudwatch });
  const createFlink = await loadFlinkFactory();
  const flink =
    createFlink === null
      ? null
      : createFlink({
          config: options.flink,
          metrics: cloudwatch,
          streams: kinesis.streams,
          clock,
          accountId: options.accountId,
          region: options.region,
        });
  return {
    modules: [kinesis, cloudwatch, ...(flink === null ? [] : [flink])],
    kinesis,
    cloudwatch,
    flink,
    metrics: cloudwatch,
    streams: kinesis.streams,
  };
}
