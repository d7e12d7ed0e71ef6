/**
 * The next SplitShard or MergeShards on the way to `target` shards with even hash-key
 * ranges — what UpdateShardCount does inside AWS ("Kinesis Data Streams performs splits
 * or merges on individual shards"), one call at a time. First every target boundary that
 * falls inside an open shard is split at; then the pieces of each target range are merged,
 * adjacent pair by adjacent pair. Doubling splits every shard at its midpoint and halving
 * merges adjacent pairs (AWS's recommended steps, one call per shard); other targets take
 * more calls, but end with even ranges: the policies size shards on the stream's total ÷
 * shards, and a stream of uneven ranges is only as strong as its widest shard.
 *
 * Pure and computed from the open shards alone (ListShards), so an attempt retried after
 * a crash continues where the last one stopped and never splits at a boundary twice; a
 * stale plan names a shard that is no longer open, which AWS refuses.
 */

export const HASH_SPACE = 2n ** 128n;

export interface OpenShardRange {
  shardId: string;
  start: bigint;
  end: bigint;
}

export type ReshardStep =
  | { kind: 'split'; shardId: string; newStartingHashKey: bigint }
  | { kind: 'merge'; shardId: string; adjacentShardId: string };

/** `[start, end]` of each of `n` even ranges: steps of `floor(2^128 / n)`, the last ending at `2^128 − 1`. */
export function evenRanges(n: number): Array<[bigint, bigint]> {
  const step = HASH_SPACE / BigInt(n);
  return Array.from({ length: n }, (_, i) => [step * BigInt(i), i === n - 1 ? HASH_SPACE - 1n : step * BigInt(i + 1) - 1n]);
}

/**
 * The target's boundaries, each moved onto an existing shard boundary within a millionth of a
 * range: floor(2^128 / n) puts "the same" boundary a few keys apart for different n (4 → 6
 * shards: 2^127 vs 3 × floor(2^128 / 6)), and a split and a merge to move it by a few keys
 * out of 2^128 would change nothing but the bill.
 */
function targetRanges(shards: OpenShardRange[], target: number): Array<[bigint, bigint]> {
  const tolerance = HASH_SPACE / BigInt(target) / 1_000_000n;
  const starts = shards.map((s) => s.start);
  const snapped = evenRanges(target).map(([start]) => {
    const near = starts.find((s) => (s > start ? s - start : start - s) <= tolerance);
    return near ?? start;
  });
  return snapped.map((start, i) => [start, (snapped[i + 1] ?? HASH_SPACE) - 1n]);
}

/** The next call, or null when the open shards are the target's even ranges. */
export function nextReshardStep(open: OpenShardRange[], target: number): ReshardStep | null {
  if (!Number.isInteger(target) || target < 1) throw new Error(`target must be a whole number of shards ≥ 1, got ${target}`);
  const shards = [...open].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const ranges = targetRanges(shards, target);
  for (const [boundary] of ranges.slice(1)) {
    // SplitShard's rule: NewStartingHashKey above the shard's starting key and not above its ending key.
    const inside = shards.find((s) => boundary > s.start && boundary <= s.end);
    if (inside !== undefined) return { kind: 'split', shardId: inside.shardId, newStartingHashKey: boundary };
  }
  for (const [start, end] of ranges) {
    const pieces = shards.filter((s) => s.start >= start && s.end <= end);
    const [lower, upper] = pieces;
    if (lower !== undefined && upper !== undefined) return { kind: 'merge', shardId: lower.shardId, adjacentShardId: upper.shardId };
  }
  if (shards.length !== target) {
    throw new Error(`the open shards do not cover the hash key space as ${target} even ranges (${shards.length} open shards)`);
  }
  return null;
}

/** The open shards once `step` has completed (children get made-up ids). */
export function afterStep(open: OpenShardRange[], step: ReshardStep, childId: string): OpenShardRange[] {
  if (step.kind === 'split') {
    const parent = open.find((s) => s.shardId === step.shardId);
    if (parent === undefined) return open;
    return open.filter((s) => s !== parent).concat(
      { shardId: `${childId}-low`, start: parent.start, end: step.newStartingHashKey - 1n },
      { shardId: `${childId}-high`, start: step.newStartingHashKey, end: parent.end },
    );
  }
  const pair = open.filter((s) => s.shardId === step.shardId || s.shardId === step.adjacentShardId);
  const [a, b] = pair;
  if (a === undefined || b === undefined) return open;
  const start = a.start < b.start ? a.start : b.start;
  const end = a.end > b.end ? a.end : b.end;
  return open.filter((s) => !pair.includes(s)).concat({ shardId: childId, start, end });
}

/** How many calls the whole way from `open` to `target` takes (for the progress message). */
export function reshardSteps(open: OpenShardRange[], target: number): number {
  let shards = open;
  let count = 0;
  for (let step = nextReshardStep(shards, target); step !== null; step = nextReshardStep(shards, target)) {
    count += 1;
    shards = afterStep(shards, step, `planned-${count}`);
  }
  return count;
}
