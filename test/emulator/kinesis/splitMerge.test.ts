/**
 * SplitShard and MergeShards with AWS's rules — the fallback when the ten-a-day
 * UpdateShardCount quota is spent: the stream must be ACTIVE, the shard open, the split
 * key strictly inside the shard, merged shards adjacent; the result keeps lineage
 * (ParentShardId / AdjacentParentShardId) and the stream returns to ACTIVE.
 */
import {
  CreateStreamCommand, ListShardsCommand, MergeShardsCommand, SplitShardCommand, type KinesisClient, type Shard,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget, waitForStatus, whenEmulator, type ConformanceTarget } from './target.js';

let target: ConformanceTarget;
let kinesis: KinesisClient;

beforeAll(async () => {
  target = await openTarget({ kinesis: { updateShardCountMs: 400 } });
  kinesis = target.kinesis({ maxAttempts: 1 });
});
afterAll(async () => target.close());

const TOP = 2n ** 128n - 1n;

async function shards(stream: string): Promise<Shard[]> {
  return (await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  const err = (await promise.then(() => null, (e: Error) => e)) as Error | null;
  expect(err, 'expected the call to fail').not.toBeNull();
  return { name: (err as Error).name, message: (err as Error).message };
}

describe('SplitShard', () => {
  it('splits an open shard at a key inside its range: two children, the parent closed', async () => {
    const stream = target.streamName('split');
    await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
    await waitForStatus(kinesis, stream, 'ACTIVE');
    const middle = (TOP / 2n).toString();
    await kinesis.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: middle }));
    // A second reshard while UPDATING is refused.
    expect((await failure(kinesis.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '5' })))).name).toBe('ResourceInUseException');
    await waitForStatus(kinesis, stream, 'ACTIVE');
    const all = await shards(stream);
    expect(all.map((s) => [s.ShardId, s.ParentShardId ?? null, s.HashKeyRange?.StartingHashKey, s.HashKeyRange?.EndingHashKey])).toEqual([
      ['shardId-000000000000', null, '0', TOP.toString()],
      ['shardId-000000000001', 'shardId-000000000000', '0', (TOP / 2n - 1n).toString()],
      ['shardId-000000000002', 'shardId-000000000000', middle, TOP.toString()],
    ]);
    expect(all[0]?.SequenceNumberRange?.EndingSequenceNumber).toBeDefined();
  });

  it('refuses a key outside the shard, a closed shard and an unknown shard', async () => {
    const stream = target.streamName('split-rules');
    await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 2 }));
    await waitForStatus(kinesis, stream, 'ACTIVE');
    const second = (await shards(stream))[1] as Shard;
    const outside = await failure(kinesis.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: 'shardId-000000000001', NewStartingHashKey: '1' })));
    expect(outside.name).toBe('InvalidArgumentException');
    const atStart = await failure(
      kinesis.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: 'shardId-000000000001', NewStartingHashKey: second.HashKeyRange?.StartingHashKey as string })),
    );
    expect(atStart.name).toBe('InvalidArgumentException');
    expect((await failure(kinesis.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: 'shardId-000000000009', NewStartingHashKey: '5' })))).name).toBe('ResourceNotFoundException');
    await kinesis.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' }));
    await waitForStatus(kinesis, stream, 'ACTIVE');
    expect((await failure(kinesis.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '5' })))).name).toBe('InvalidArgumentException');
  });
});

describe('MergeShards', () => {
  it('merges two adjacent open shards into one child with both parents; refuses non-adjacent ones', async () => {
    const stream = target.streamName('merge');
    await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 3 }));
    await waitForStatus(kinesis, stream, 'ACTIVE');
    const apart = await failure(kinesis.send(new MergeShardsCommand({ StreamName: stream, ShardToMerge: 'shardId-000000000000', AdjacentShardToMerge: 'shardId-000000000002' })));
    expect(apart.name).toBe('InvalidArgumentException');
    await kinesis.send(new MergeShardsCommand({ StreamName: stream, ShardToMerge: 'shardId-000000000002', AdjacentShardToMerge: 'shardId-000000000001' }));
    await waitForStatus(kinesis, stream, 'ACTIVE');
    const all = await shards(stream);
    const child = all.find((s) => s.ShardId === 'shardId-000000000003') as Shard;
    expect([child.ParentShardId, child.AdjacentParentShardId]).toEqual(['shardId-000000000002', 'shardId-000000000001']);
    expect(child.HashKeyRange?.StartingHashKey).toBe(all[1]?.HashKeyRange?.StartingHashKey);
    expect(child.HashKeyRange?.EndingHashKey).toBe(TOP.toString());
  });

  it('SplitShard counts against the account’s shard quota', async () => {
    await whenEmulator(target, async () => {
      const quota = await openTarget({ kinesis: { updateShardCountMs: 40, shardsPerAccount: 2 } });
      const client = quota.kinesis({ maxAttempts: 1 });
      try {
        await client.send(new CreateStreamCommand({ StreamName: 'quota', ShardCount: 2 }));
        await waitForStatus(client, 'quota', 'ACTIVE');
        const err = await client.send(new SplitShardCommand({ StreamName: 'quota', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' })).catch((e: Error) => e);
        expect((err as Error).name).toBe('LimitExceededException');
      } finally {
        await quota.close();
      }
    });
  });
});
