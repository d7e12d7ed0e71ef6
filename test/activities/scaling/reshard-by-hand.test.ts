/**
 * When UpdateShardCount's rolling 24-hour quota is spent, applyShardCount reaches the target
 * with SplitShard/MergeShards (against the emulator, its quota set to one call a day), and an
 * attempt retried mid-way continues from its heartbeat without making any call twice.
 */
import { CreateStreamCommand, DescribeStreamSummaryCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyShardCount } from '../../../activities/scaling/apply.js';
import type { ProgressDetails } from '../../../activities/aws/progress.js';
import { evenRanges, HASH_SPACE, nextReshardStep, reshardSteps, type OpenShardRange } from '../../../activities/scaling/reshard-plan.js';
import { startEmulatedCloud, until, type EmulatedCloud } from './emulated.js';

let cloud: EmulatedCloud;
const QUIET = { pollIntervalMs: 20 };

beforeAll(async () => {
  cloud = await startEmulatedCloud({ kinesis: { updateShardCountMs: 60, updateShardCountPerDay: 1 } });
});
afterAll(async () => {
  await cloud?.close();
});

const even = (n: number): OpenShardRange[] => evenRanges(n).map(([start, end], i) => ({ shardId: `s${i}`, start, end }));

async function openRanges(streamName: string): Promise<Array<[string, string]>> {
  const out = await cloud.kinesis.send(new ListShardsCommand({ StreamName: streamName, ShardFilter: { Type: 'AT_LATEST' } }));
  return (out.Shards ?? [])
    .map((s): [string, string] => [s.HashKeyRange?.StartingHashKey ?? '', s.HashKeyRange?.EndingHashKey ?? ''])
    .sort((a, b) => (BigInt(a[0]) < BigInt(b[0]) ? -1 : 1));
}
/** Each open range is 1/n of the hash key space, to a millionth (a boundary may sit a few keys off floor(2^128 / n)). */
function expectEven(ranges: Array<[string, string]>, n: number): void {
  expect(ranges).toHaveLength(n);
  const width = HASH_SPACE / BigInt(n);
  for (const [i, [start, end]] of ranges.entries()) {
    expect(BigInt(start)).toBe(i === 0 ? 0n : BigInt(ranges[i - 1]?.[1] ?? '0') + 1n);
    const off = BigInt(end) - BigInt(start) + 1n - width;
    expect(off < 0n ? -off : off, `range ${i} of ${n}`).toBeLessThanOrEqual(width / 1_000_000n);
  }
  expect(BigInt(ranges.at(-1)?.[1] ?? '0')).toBe(HASH_SPACE - 1n);
}

function reshardCalls(streamName: string): string[] {
  return cloud.emulator.admin.calls()
    .filter((c) => ['UpdateShardCount', 'SplitShard', 'MergeShards'].includes(c.operation) && JSON.stringify(c.params).includes(`"${streamName}"`))
    .map((c) => `${c.operation}:${c.outcome}`);
}

async function activeStream(streamName: string, shards: number): Promise<void> {
  await cloud.kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
  await until(
    async () => (await cloud.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))).StreamDescriptionSummary?.StreamStatus,
    (s) => s === 'ACTIVE', `${streamName} ACTIVE`,
  );
}

async function streamWithSpentQuota(streamName: string, shards: number, afterFirstCall: number): Promise<void> {
  await activeStream(streamName, shards);
  // The day's one UpdateShardCount.
  expect(await applyShardCount(cloud.kinesis, { streamName, targetShards: afterFirstCall }, QUIET)).toMatchObject({ called: true, method: 'UpdateShardCount' });
  await until(
    async () => (await cloud.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))).StreamDescriptionSummary,
    (s) => s?.StreamStatus === 'ACTIVE' && s.OpenShardCount === afterFirstCall, `${streamName} ACTIVE at ${afterFirstCall} shards`,
  );
}

describe('the plan: even ranges, one call at a time', () => {
  it('doubles by splitting every shard at its midpoint, halves by merging adjacent pairs, and 2 → 3 ends even', () => {
    expect(reshardSteps(even(4), 8)).toBe(4);
    expect(nextReshardStep(even(4), 8)).toEqual({ kind: 'split', shardId: 's0', newStartingHashKey: evenRanges(8)[1]?.[0] });
    expect(reshardSteps(even(4), 2)).toBe(2);
    expect(nextReshardStep(even(4), 2)).toEqual({ kind: 'merge', shardId: 's0', adjacentShardId: 's1' });
    // 1/3 and 2/3 lie inside the two halves: two splits, then the middle pieces merge.
    expect(reshardSteps(even(2), 3)).toBe(3);
    // 4 → 6: the middle boundary is already there (to a few keys); only the four others are split.
    expect(reshardSteps(even(4), 6)).toBe(6);
    expect(nextReshardStep(even(3), 3)).toBeNull();
  });
});

describe('applyShardCount with the UpdateShardCount quota spent', () => {
  it('scales out and in with SplitShard/MergeShards to even ranges, and says so', { timeout: 60_000 }, async () => {
    const streamName = 'rbh-trips';
    await streamWithSpentQuota(streamName, 2, 4);

    const out = await applyShardCount(cloud.kinesis, { streamName, targetShards: 6 }, QUIET);
    expect(out).toMatchObject({ called: true, method: 'SplitShard/MergeShards' });
    expect(out.message).toMatch(/^resharded rbh-trips 4 → 6 shards by 4 SplitShard and 2 MergeShards calls \(UpdateShardCount quota spent: .*24-hour period\.\)$/);
    expectEven(await openRanges(streamName), 6);

    const back = await applyShardCount(cloud.kinesis, { streamName, targetShards: 3 }, QUIET);
    expect(back.message).toMatch(/^resharded rbh-trips 6 → 3 shards by 0 SplitShard and 3 MergeShards calls/);
    expectEven(await openRanges(streamName), 3);
    expect(reshardCalls(streamName)).toEqual([
      'UpdateShardCount:ok', 'UpdateShardCount:error', ...Array(4).fill('SplitShard:ok'), ...Array(2).fill('MergeShards:ok'),
      'UpdateShardCount:error', ...Array(3).fill('MergeShards:ok'),
    ]);
  });

  it('a retried attempt continues from the last heartbeat: every call once, exactly the target', { timeout: 60_000 }, async () => {
    const streamName = 'rbh-retry-trips';
    await streamWithSpentQuota(streamName, 3, 4);
    const planned = reshardSteps(even(4), 7);

    // Attempt 1 is lost (a worker killed, Temporal's timeout) while its second call is under way.
    const beats: ProgressDetails[] = [];
    const lost = new AbortController();
    const first = applyShardCount(cloud.kinesis, { streamName, targetShards: 7 }, {
      ...QUIET, signal: lost.signal, heartbeat: (d) => beats.push(d),
    });
    await until(async () => reshardCalls(streamName).filter((c) => !c.startsWith('UpdateShardCount')).length, (n) => n >= 2, 'two calls by hand');
    lost.abort();
    await expect(first).rejects.toThrow();

    const second = await applyShardCount(cloud.kinesis, { streamName, targetShards: 7 }, { ...QUIET, previousHeartbeat: beats.at(-1) });
    expect(second).toMatchObject({ called: true, method: 'SplitShard/MergeShards' });
    expect(second.message).toMatch(/^resharded rbh-retry-trips 4 → 7 shards by at least \d+ SplitShard and at least \d+ MergeShards calls/);
    expectEven(await openRanges(streamName), 7);
    const byHand = reshardCalls(streamName).filter((c) => !c.startsWith('UpdateShardCount'));
    expect(byHand).toHaveLength(planned);
    expect(byHand.every((c) => c.endsWith(':ok'))).toBe(true);
    // The retry did not try UpdateShardCount again: the quota is known to be spent.
    expect(reshardCalls(streamName).filter((c) => c.startsWith('UpdateShardCount'))).toEqual(['UpdateShardCount:ok', 'UpdateShardCount:error']);
    // A third attempt (the result was lost) finds the work done and calls nothing.
    expect(await applyShardCount(cloud.kinesis, { streamName, targetShards: 7 }, { ...QUIET, previousHeartbeat: beats.at(-1) }))
      .toMatchObject({ called: false, method: 'SplitShard/MergeShards' });
    expect(reshardCalls(streamName).filter((c) => !c.startsWith('UpdateShardCount'))).toHaveLength(planned);
  });

  it('a rate throttle is not the quota: the SDK resends UpdateShardCount and no shard is split by hand', { timeout: 30_000 }, async () => {
    const streamName = 'rbh-rate-trips';
    await activeStream(streamName, 2);
    cloud.emulator.admin.injectFault({
      kind: 'fail', operation: 'UpdateShardCount', resource: streamName, count: 1, errorName: 'LimitExceededException', status: 400,
      afterApplying: false, message: `Rate exceeded for stream ${streamName} under account 000000000000.`,
    });
    expect(await applyShardCount(cloud.kinesis, { streamName, targetShards: 3 }, QUIET)).toMatchObject({ called: true, method: 'UpdateShardCount' });
    expect(reshardCalls(streamName)).toEqual(['UpdateShardCount:error', 'UpdateShardCount:ok']);
  });
});
