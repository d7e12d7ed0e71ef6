import {
  CreateStreamCommand,
  LimitExceededException,
  ListShardsCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis';
import type { KinesisClient, Shard } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget, waitForStatus, whenEmulator } from './target.js';
import type { ConformanceTarget } from './target.js';

let target: ConformanceTarget;
/** No SDK retries: LimitExceededException must reach the test, not be retried away. */
let kinesis: KinesisClient;

async function activeStream(label: string, shards: number): Promise<string> {
  const name = target.streamName(label);
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await waitForStatus(kinesis, name, 'ACTIVE');
  return name;
}

async function listShards(name: string): Promise<Shard[]> {
  return (await kinesis.send(new ListShardsCommand({ StreamName: name }))).Shards ?? [];
}

const isOpen = (s: Shard): boolean => s.SequenceNumberRange?.EndingSequenceNumber === undefined;

/** Open shards sorted by hash range must tile [0, 2^128 − 1] without gaps or overlaps. */
function expectTiling(open: Shard[]): void {
  const sorted = [...open].sort((a, b) =>
    BigInt(a.HashKeyRange?.StartingHashKey ?? 0) < BigInt(b.HashKeyRange?.StartingHashKey ?? 0) ? -1 : 1,
  );
  let next = 0n;
  for (const shard of sorted) {
    expect(BigInt(shard.HashKeyRange?.StartingHashKey ?? -1)).toBe(next);
    next = BigInt(shard.HashKeyRange?.EndingHashKey ?? -1) + 1n;
  }
  expect(next).toBe(2n ** 128n);
}

beforeAll(async () => {
  // Long enough that UPDATING is observable even on a loaded machine.
  target = await openTarget({ kinesis: { updateShardCountMs: 250 } });
  kinesis = target.kinesis({ maxAttempts: 1 });
});
afterAll(async () => target.close());

describe('UpdateShardCount', () => {
  it('goes UPDATING then ACTIVE and rebuilds uniform shards with split lineage when doubling', async () => {
    const name = await activeStream('double', 2);
    const out = await kinesis.send(new UpdateShardCountCommand({ StreamName: name, TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }));
    expect(out.CurrentShardCount).toBe(2);
    expect(out.TargetShardCount).toBe(4);
    await waitForStatus(kinesis, name, 'ACTIVE');
    const shards = await listShards(name);
    const open = shards.filter(isOpen);
    expect(open).toHaveLength(4);
    expectTiling(open);
    const step = 2n ** 128n / 4n;
    expect(open.map((s) => BigInt(s.HashKeyRange?.StartingHashKey ?? -1))).toEqual([0n, step, 2n * step, 3n * step]);
    for (const parent of shards.filter((s) => !isOpen(s))) {
      expect(parent.SequenceNumberRange?.EndingSequenceNumber).toMatch(/^\d{56}$/);
    }
    for (const child of open) {
      expect(['shardId-000000000000', 'shardId-000000000001']).toContain(child.ParentShardId);
      expect(child.AdjacentParentShardId).toBeUndefined();
    }
  });

  it('merges with ParentShardId and AdjacentParentShardId when halving', async () => {
    const name = await activeStream('halve', 4);
    await kinesis.send(new UpdateShardCountCommand({ StreamName: name, TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' }));
    await waitForStatus(kinesis, name, 'ACTIVE');
    const open = (await listShards(name)).filter(isOpen);
    expect(open).toHaveLength(2);
    expectTiling(open);
    expect(open.map((s) => [s.ParentShardId, s.AdjacentParentShardId])).toEqual([
      ['shardId-000000000000', 'shardId-000000000001'],
      ['shardId-000000000002', 'shardId-000000000003'],
    ]);
    const latest = await kinesis.send(new ListShardsCommand({ StreamName: name, ShardFilter: { Type: 'AT_LATEST' } }));
    expect(latest.Shards?.map((s) => s.ShardId)).toEqual(open.map((s) => s.ShardId));
  });

  it('reaches uneven targets (3 → 5 → 4) with open shards tiling the hash space', async () => {
    const name = await activeStream('uneven', 3);
    for (const count of [5, 4]) {
      await kinesis.send(new UpdateShardCountCommand({ StreamName: name, TargetShardCount: count, ScalingType: 'UNIFORM_SCALING' }));
      await waitForStatus(kinesis, name, 'ACTIVE');
      const open = (await listShards(name)).filter(isOpen);
      expect(open).toHaveLength(count);
      expectTiling(open);
      for (const shard of open) expect(shard.ParentShardId).toBeDefined();
    }
  });

  it('refuses to scale above double or below half with AWS wording', async () => {
    const one = await activeStream('up', 1);
    const up = await kinesis
      .send(new UpdateShardCountCommand({ StreamName: one, TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }))
      .catch((e: unknown) => e);
    expect(up).toBeInstanceOf(LimitExceededException);
    expect((up as Error).message).toBe(
      'UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 1 Target shard count: 4',
    );
    const eight = await activeStream('down', 8);
    const down = await kinesis
      .send(new UpdateShardCountCommand({ StreamName: eight, TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' }))
      .catch((e: unknown) => e);
    expect(down).toBeInstanceOf(LimitExceededException);
    expect((down as Error).message).toBe(
      'UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: 8 Target shard count: 2',
    );
  });

  it('answers ResourceInUseException while the stream is not ACTIVE', async () => {
    const name = await activeStream('busy', 2);
    await kinesis.send(new UpdateShardCountCommand({ StreamName: name, TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING' }));
    const err = await kinesis
      .send(new UpdateShardCountCommand({ StreamName: name, TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceInUseException);
    await waitForStatus(kinesis, name, 'ACTIVE');
  });

  it('validates TargetShardCount and ScalingType, and names a missing stream', async () => {
    const err = await kinesis
      .send(new UpdateShardCountCommand({ StreamName: 'x', TargetShardCount: 0, ScalingType: 'LINEAR' as never }))
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('ValidationException');
    expect((err as Error).message).toBe(
      "2 validation errors detected: Value '0' at 'targetShardCount' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value 'LINEAR' at 'scalingType' failed to satisfy constraint: Member must satisfy enum value set: [UNIFORM_SCALING]",
    );
    const missing = await kinesis
      .send(new UpdateShardCountCommand({ StreamName: target.streamName('gone'), TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' }))
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it('allows 10 calls per stream per rolling 24 hours, then LimitExceededException', async () => {
    // Ten real reshards take hours of quota on AWS; the emulator checks the rule in milliseconds.
    await whenEmulator(target, async () => {
      const name = await activeStream('quota', 2);
      for (let i = 0; i < 10; i++) {
        await kinesis.send(new UpdateShardCountCommand({ StreamName: name, TargetShardCount: i % 2 === 0 ? 3 : 2, ScalingType: 'UNIFORM_SCALING' }));
        await waitForStatus(kinesis, name, 'ACTIVE');
      }
      const err = await kinesis
        .send(new UpdateShardCountCommand({ StreamName: name, TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING' }))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LimitExceededException);
      expect((err as Error).message).toContain('10 times per rolling 24-hour period');
    });
  });
});
