import { CreateStreamCommand, ListTagsForStreamCommand } from '@aws-sdk/client-kinesis';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { AWS_FAILURE_TYPES } from '../../../activities/aws/errors.js';
import { deleteStream, describeStream, ensureStream, waitStreamActive } from '../../../activities/provisioning/stream.js';
import { PIPELINE_TAG_KEY } from '../../../activities/provisioning/types.js';
import { kinesisClient, startTestEmulator, type TestEmulator } from '../../support/emulator.js';

const FAST = { minDelayMs: 5, maxDelayMs: 20 };

describe('stream provisioning activities against the emulator', () => {
  let emulator: TestEmulator;
  let kinesis: KinesisClient;

  beforeAll(async () => {
    emulator = await startTestEmulator({ kinesis: { createStreamMs: 60, deleteStreamMs: 60 } });
    kinesis = kinesisClient(emulator);
  });

  afterAll(async () => {
    kinesis?.destroy();
    await emulator?.stop();
  });

  it('creates the stream with the requested shards and the pipeline tag, then waits until it is ACTIVE', async () => {
    const created = await ensureStream(kinesis, { pipelineId: 'p1', streamName: 'p1-trips', shardCount: 3, adopt: false });
    expect(created).toMatchObject({ created: true, message: 'Created stream p1-trips with 3 shards' });
    const active = await waitStreamActive(kinesis, FAST, { streamName: 'p1-trips', timeoutSeconds: 10 });
    expect(active).toMatchObject({ status: 'ACTIVE', openShards: 3 });
    const tags = await kinesis.send(new ListTagsForStreamCommand({ StreamName: 'p1-trips' }));
    expect(tags.Tags).toContainEqual({ Key: PIPELINE_TAG_KEY, Value: 'p1' });
  });

  it('recognises a stream an earlier attempt of the same pipeline created as its own', async () => {
    await ensureStream(kinesis, { pipelineId: 'p2', streamName: 'p2-trips', shardCount: 2, adopt: false });
    const again = await ensureStream(kinesis, { pipelineId: 'p2', streamName: 'p2-trips', shardCount: 2, adopt: false });
    expect(again.created).toBe(true);
    expect(again.message).toContain('earlier attempt');
    const creates = emulator.admin.calls({ operation: 'CreateStream' }).filter((c) => JSON.stringify(c.params).includes('p2-trips'));
    expect(creates.map((c) => c.outcome)).toEqual(['ok', 'error']);
  });

  it('recognises a stream it created as its own on a retry even when the spec says adopt, so compensation and teardown delete it', async () => {
    const input = { pipelineId: 'p6', streamName: 'p6-trips', shardCount: 1, adopt: true, creatorRunId: 'run-1' };
    expect((await ensureStream(kinesis, input)).created).toBe(true);
    // The worker crashed after CreateStream; the retried attempt must not take the stream for a foreign one.
    expect(await ensureStream(kinesis, input)).toMatchObject({ created: true, message: 'Stream p6-trips was already created by an earlier attempt of this pipeline' });
    // A later pipeline of the same id meets what an earlier one left behind (e.g. retainStreamOnDelete): it only adopts it.
    expect(await ensureStream(kinesis, { ...input, creatorRunId: 'run-2' })).toMatchObject({ created: false, message: 'Adopted existing stream p6-trips' });
  });

  it('adopts a foreign stream only when the spec says so, and refuses it as a non-retryable conflict otherwise', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'shared-trips', ShardCount: 1 }));
    const refused = await ensureStream(kinesis, { pipelineId: 'p3', streamName: 'shared-trips', shardCount: 1, adopt: false }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ type: AWS_FAILURE_TYPES.conflict, nonRetryable: true });
    expect((refused as Error).message).toContain('does not belong to pipeline p3');
    const adopted = await ensureStream(kinesis, { pipelineId: 'p3', streamName: 'shared-trips', shardCount: 1, adopt: true });
    expect(adopted).toMatchObject({ created: false, message: 'Adopted existing stream shared-trips' });
  });

  it('deletes the stream and waits until it is gone; deleting again is a no-op', async () => {
    await ensureStream(kinesis, { pipelineId: 'p4', streamName: 'p4-trips', shardCount: 1, adopt: false });
    await waitStreamActive(kinesis, FAST, { streamName: 'p4-trips', timeoutSeconds: 10 });
    expect(await deleteStream(kinesis, FAST, { streamName: 'p4-trips', timeoutSeconds: 10 })).toMatchObject({ acted: true });
    expect(await describeStream(kinesis, 'p4-trips')).toBeNull();
    expect(await deleteStream(kinesis, FAST, { streamName: 'p4-trips', timeoutSeconds: 10 })).toEqual({
      acted: false,
      message: 'Stream p4-trips was already gone',
    });
  });

  it('gives up waiting at its bound with a retryable failure naming the state it saw', async () => {
    const slow = await startTestEmulator({ kinesis: { createStreamMs: 60_000 } });
    const client = kinesisClient(slow);
    try {
      await ensureStream(client, { pipelineId: 'p5', streamName: 'p5-trips', shardCount: 1, adopt: false });
      const err = await waitStreamActive(client, FAST, { streamName: 'p5-trips', timeoutSeconds: 0.2 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ type: 'ResourceNotSettled', nonRetryable: false });
      expect((err as Error).message).toContain('stream p5-trips is CREATING');
    } finally {
      client.destroy();
      await slow.stop();
    }
  });
});
