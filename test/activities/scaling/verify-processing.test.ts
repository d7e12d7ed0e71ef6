/**
 * "Records arrive but the job processes none" is judged over the last few published periods,
 * not the newest alone: with 1 s periods a batch written at a period's end is processed in
 * the next one, and an action whose verification happened to look then was rolled back for
 * nothing (found by `npm run bench:faults` at a 25 % fault rate, where slow answers leave
 * verification few looks before its bound). A job that really processes nothing still fails.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { describe, expect, it } from 'vitest';
import { SERIES } from '../../../activities/scaling/metrics.js';
import { verifyHealth } from '../../../activities/scaling/settle.js';

type Series = (typeof SERIES)[number]['field'];

/** A healthy stream and application (2 shards, parallelism 1) whose metrics come from `value(field, period, newest)`. */
function cloud(value: (field: Series, t: number, newest: boolean) => number | null) {
  const kinesis = { send: async () => ({ StreamDescriptionSummary: { StreamStatus: 'ACTIVE', OpenShardCount: 2 } }) };
  const flink = {
    send: async () => ({
      ApplicationDetail: {
        ApplicationStatus: 'RUNNING', ApplicationVersionId: 3,
        ApplicationConfigurationDescription: { FlinkApplicationConfigurationDescription: { ParallelismConfigurationDescription: { Parallelism: 1, CurrentParallelism: 1 } } },
      },
    }),
  };
  const cloudwatch = {
    send: async (command: { input: { StartTime: Date; EndTime: Date } }) => {
      const start = command.input.StartTime.getTime() / 1000;
      const end = command.input.EndTime.getTime() / 1000;
      return {
        MetricDataResults: SERIES.map((s, i) => {
          const points: [Date, number][] = [];
          for (let t = start; t < end; t++) {
            const v = value(s.field, t, t === end - 1);
            if (v !== null) points.push([new Date(t * 1000), v]);
          }
          return { Id: `m${i}`, Timestamps: points.map((p) => p[0]), Values: points.map((p) => p[1]) };
        }),
      };
    },
  };
  return {
    kinesis: kinesis as unknown as KinesisClient, flink: flink as unknown as KinesisAnalyticsV2Client,
    cloudwatch: cloudwatch as unknown as CloudWatchClient, pollIntervalMs: 200, publicationDelaySeconds: 0,
  };
}

const input = () => ({
  streamName: 's', applicationName: 'a', shards: 2, parallelism: 1, periodSeconds: 1,
  actionStartedEpochMs: Date.now() - 5000, deadlineEpochMs: Date.now() + 1000,
});

const base = (field: Series): number | null => (field === 'downtime' || field === 'fullRestarts' ? 0 : null);

describe('verifyHealth judging whether the job processes its input', () => {
  it('is healthy when the newest period shows records in and none processed but the periods before it processed', async () => {
    const result = await verifyHealth(cloud((field, _t, newest) => {
      if (field === 'incomingRecords') return 500;
      if (field === 'numRecordsInPerSecond') return newest ? 0 : 480;
      return base(field);
    }), input());
    expect(result.reasons.join('; ')).toContain('records flowing (480 records/s in)');
    expect(result.healthy).toBe(true);
  });

  it('fails a job that processes nothing while records arrive, period after period', async () => {
    const result = await verifyHealth(cloud((field) => {
      if (field === 'incomingRecords') return 500;
      if (field === 'numRecordsInPerSecond') return 0;
      return base(field);
    }), input());
    expect(result.healthy).toBe(false);
    expect(result.reasons).toEqual(['records arrive (IncomingRecords 500) but the job processes none in the last 3 periods']);
  });
});
