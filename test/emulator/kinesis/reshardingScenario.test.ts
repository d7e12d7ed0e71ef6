/**
 * The acceptance scenario of resharding: 8 → 16 → 12 → 6 shards by UpdateShardCount
 * while a producer writes and a reader follows ChildShards like the KCL (a child starts
 * only when all its parents are finished). Every record must arrive exactly once and
 * in order per partition key.
 */
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget, runsAgainstEmulator, waitForStatus } from './target.js';
import type { ConformanceTarget } from './target.js';

const KEYS = 40;
/** One record per key per call: a throttled record is re-sent before its key's next one, so order per key holds. */
const BATCH = KEYS;

let target: ConformanceTarget;
let kinesis: KinesisClient;

beforeAll(async () => {
  target = await openTarget({ kinesis: { updateShardCountMs: 60 } });
  kinesis = target.kinesis();
});
afterAll(async () => target.close());

interface Producer {
  stop(): Promise<number>;
}

function startProducer(stream: string): Producer {
  const nextSeq = new Array<number>(KEYS).fill(0);
  let produced = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      let records = Array.from({ length: BATCH }, (_, key) => {
        const seq = nextSeq[key] as number;
        nextSeq[key] = seq + 1;
        return { PartitionKey: `key-${key}`, Data: Buffer.from(`${key}:${seq}`) };
      });
      // Real endpoints (and the emulator with limits on) throttle per record: re-send only
      // the failed ones, with a short backoff, before the next call.
      for (let attempt = 0; records.length > 0; attempt++) {
        if (attempt > 50) throw new Error(`PutRecords kept failing ${records.length} records`);
        const out = await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: records }));
        const sent = records;
        records = sent.filter((_, i) => out.Records?.[i]?.ErrorCode !== undefined);
        produced += sent.length - records.length;
        if (records.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return produced;
    },
  };
}

interface ShardCursor {
  shardId: string;
  iterator: string;
}

/** Reads every shard from TRIM_HORIZON, starting children only after all their parents ended. */
function startReader(stream: string, initialShards: string[]) {
  const received = new Map<number, number[]>();
  const finished = new Set<string>();
  const started = new Set<string>();
  const waiting = new Map<string, string[]>();
  let total = 0;
  let active: ShardCursor[] = [];
  let target = Infinity;

  const open = async (shardId: string): Promise<void> => {
    started.add(shardId);
    const out = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    active.push({ shardId, iterator: out.ShardIterator as string });
  };

  const loop = (async () => {
    for (const shardId of initialShards) await open(shardId);
    const deadline = Date.now() + (runsAgainstEmulator ? 60_000 : 900_000);
    while (total < target) {
      if (Date.now() > deadline) throw new Error(`reader timed out with ${total} of ${target} records`);
      const round = active;
      active = [];
      for (const cursor of round) {
        const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: cursor.iterator, Limit: 1000 }));
        for (const record of out.Records ?? []) {
          const [key, seq] = Buffer.from(record.Data ?? new Uint8Array()).toString('utf8').split(':').map(Number) as [number, number];
          const list = received.get(key) ?? [];
          list.push(seq);
          received.set(key, list);
          total += 1;
        }
        if (out.NextShardIterator !== undefined) {
          active.push({ shardId: cursor.shardId, iterator: out.NextShardIterator });
          continue;
        }
        finished.add(cursor.shardId);
        for (const child of out.ChildShards ?? []) waiting.set(child.ShardId as string, child.ParentShards ?? []);
      }
      for (const [child, parents] of waiting) {
        if (!started.has(child) && parents.every((p) => finished.has(p))) {
          waiting.delete(child);
          await open(child);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, runsAgainstEmulator ? 2 : 250));
    }
  })();

  return {
    async finish(expected: number) {
      target = expected;
      await loop;
      return { received, total, finished };
    },
  };
}

describe('Resharding under load', () => {
  it('8 → 16 → 12 → 6 shards: a ChildShards-following reader gets every record once, in order per key', async () => {
    const stream = target.streamName('reshard');
    await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 8 }));
    await waitForStatus(kinesis, stream, 'ACTIVE');
    const initial = ((await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? []).map((s) => s.ShardId as string);

    const producer = startProducer(stream);
    const reader = startReader(stream, initial);
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, runsAgainstEmulator ? ms : ms * 20));
    for (const count of [16, 12, 6]) {
      await pause(80);
      await kinesis.send(new UpdateShardCountCommand({ StreamName: stream, TargetShardCount: count, ScalingType: 'UNIFORM_SCALING' }));
      await waitForStatus(kinesis, stream, 'ACTIVE', 900_000);
    }
    await pause(80);
    const produced = await producer.stop();
    const { received, total, finished } = await reader.finish(produced);

    expect(produced).toBeGreaterThan(BATCH * 3);
    expect(total).toBe(produced);
    for (let key = 0; key < KEYS; key++) {
      const seqs = received.get(key) ?? [];
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i));
    }
    const shards = (await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
    const open = shards.filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined);
    expect(open).toHaveLength(6);
    // Every closed shard was read to its end and handed over to its children.
    for (const shard of shards.filter((s) => s.SequenceNumberRange?.EndingSequenceNumber !== undefined)) {
      expect(finished.has(shard.ShardId as string)).toBe(true);
    }
  });
});
