/**
 * The emulated Kinesis Data Streams service: one module per operation, wired to one
 * stream store, plus the in-process StreamReader for the simulated Flink job.
 */
import type { KinesisOptions } from '../config.js';
import type { Clock, MetricSink, ServiceModule, StreamReader } from '../core/types.js';
import { kinesisAdminRoutes } from './admin.js';
import { addTagsToStream } from './operations/addTagsToStream.js';
import { createStream } from './operations/createStream.js';
import { describeLimits } from './operations/describeLimits.js';
import { decreaseStreamRetentionPeriod } from './operations/decreaseStreamRetentionPeriod.js';
import { deleteStream } from './operations/deleteStream.js';
import { describeStream } from './operations/describeStream.js';
import { describeStreamSummary } from './operations/describeStreamSummary.js';
import { disableEnhancedMonitoring, enableEnhancedMonitoring } from './operations/enhancedMonitoring.js';
import { getRecords } from './operations/getRecords.js';
import { getShardIterator } from './operations/getShardIterator.js';
import { increaseStreamRetentionPeriod } from './operations/increaseStreamRetentionPeriod.js';
import { listShards } from './operations/listShards.js';
import { listStreams } from './operations/listStreams.js';
import { listTagsForStream } from './operations/listTagsForStream.js';
import { mergeShards } from './operations/mergeShards.js';
import { putRecord } from './operations/putRecord.js';
import { putRecords } from './operations/putRecords.js';
import { removeTagsFromStream } from './operations/removeTagsFromStream.js';
import { splitShard } from './operations/splitShard.js';
import { updateShardCount } from './operations/updateShardCount.js';
import { createStreamReader } from './reader.js';
import { StreamStore } from './store.js';

export const KINESIS_TARGET_PREFIX = 'Kinesis_20131202';

export interface KinesisServiceDeps {
  options: KinesisOptions;
  accountId: string;
  clock: Clock;
  metrics: MetricSink;
}

export interface KinesisService extends ServiceModule {
  streams: StreamReader;
  store: StreamStore;
}

export function createKinesisService(deps: KinesisServiceDeps): KinesisService {
  const store = new StreamStore(deps);
  return {
    targetPrefix: KINESIS_TARGET_PREFIX,
    contentType: 'application/x-amz-json-1.1',
    errorMessageKey: 'message',
    operations: {
      CreateStream: createStream(store),
      DeleteStream: deleteStream(store),
      DescribeStream: describeStream(store),
      DescribeStreamSummary: describeStreamSummary(store),
      DescribeLimits: describeLimits(store),
      ListStreams: listStreams(store),
      ListShards: listShards(store),
      PutRecord: putRecord(store),
      PutRecords: putRecords(store),
      GetShardIterator: getShardIterator(store),
      GetRecords: getRecords(store),
      UpdateShardCount: updateShardCount(store),
      SplitShard: splitShard(store),
      MergeShards: mergeShards(store),
      EnableEnhancedMonitoring: enableEnhancedMonitoring(store),
      DisableEnhancedMonitoring: disableEnhancedMonitoring(store),
      AddTagsToStream: addTagsToStream(store),
      ListTagsForStream: listTagsForStream(store),
      RemoveTagsFromStream: removeTagsFromStream(store),
      IncreaseStreamRetentionPeriod: increaseStreamRetentionPeriod(store),
      DecreaseStreamRetentionPeriod: decreaseStreamRetentionPeriod(store),
    },
    streams: createStreamReader(store),
    store,
    adminRoutes: kinesisAdminRoutes(store),
    reset: () => store.reset(),
    close: () => store.close(),
  };
}
