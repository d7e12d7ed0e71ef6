/**
 * UpdateShardCount (UNIFORM_SCALING) the way AWS does it: compute the new uniform
 * boundaries, split open shards at every boundary that falls inside them, then merge
 * the adjacent pieces of each new range, closing every parent. The lineage
 * (`ParentShardId`/`AdjacentParentShardId`) lets a reader that finishes parents before
 * children read every record once and in order per partition key.
 */
import { toHex, uniformRanges } from './hashKeys.js';
import type { Shard, Stream } from './model.js';
import { openShards } from './model.js';

export type OpenShard = (
  stream: Stream,
  range: { startHex: string; endHex: string },
  parentShardId: string | null,
  adjacentParentShardId: string | null,
) => Shard;

function close(stream: Stream, shard: Shard): void {
  shard.endingCounter = stream.counter;
}

export function splitAt(stream: Stream, shard: Shard, boundary: bigint, openShard: OpenShard): [Shard, Shard] {
  close(stream, shard);
  const left = openShard(stream, { startHex: shard.startHex, endHex: toHex(boundary - 1n) }, shard.id, null);
  const right = openShard(stream, { startHex: toHex(boundary), endHex: shard.endHex }, shard.id, null);
  return [left, right];
}

export function merge(stream: Stream, lower: Shard, upper: Shard, openShard: OpenShard): Shard {
  close(stream, lower);
  close(stream, upper);
  return openShard(stream, { startHex: lower.startHex, endHex: upper.endHex }, lower.id, upper.id);
}

export function reshardUniformly(stream: Stream, target: number, openShard: OpenShard): void {
  const ranges = uniformRanges(target);
  const boundaries = ranges.slice(1).map(([start]) => start);
  const current = [...openShards(stream)].sort((a, b) => (a.startHex < b.startHex ? -1 : 1));

  const pieces: Shard[] = [];
  for (const shard of current) {
    let rest = shard;
    for (const boundary of boundaries) {
      const start = BigInt(`0x${rest.startHex}`);
      const end = BigInt(`0x${rest.endHex}`);
      if (boundary <= start || boundary > end) continue;
      const [left, right] = splitAt(stream, rest, boundary, openShard);
      pieces.push(left);
      rest = right;
    }
    pieces.push(rest);
  }

  for (const [start, end] of ranges) {
    const startHex = toHex(start);
    const endHex = toHex(end);
    const group = pieces.filter((p) => p.startHex >= startHex && p.endHex <= endHex);
    if (group.length > 1) group.reduce((merged, next) => merge(stream, merged, next, openShard));
  }
  stream.routing = [...openShards(stream)].sort((a, b) => (a.startHex < b.startHex ? -1 : 1));
}
