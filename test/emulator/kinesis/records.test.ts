import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  InvalidArgumentException,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import type { KinesisClient, _Record } from '@aws-sdk/client-kinesis';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget, waitForStatus, whenEmulator } from './target.js';
import type { ConformanceTarget } from './target.js';

let target: ConformanceTarget;
let kinesis: KinesisClient;
let stream: string;

const text = (r: _Record): string => Buffer.from(r.Data ?? new Uint8Array()).toString('utf8');

async function iterator(shardId: string, type: string, extra: Record<string, unknown> = {}): Promise<string> {
  const out = await kinesis.send(
    new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: type as never, ...extra }),
  );
  return out.ShardIterator as string;
}

async function readAll(shardId: string): Promise<_Record[]> {
  const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: await iterator(shardId, 'TRIM_HORIZON') }));
  return out.Records ?? [];
}

beforeAll(async () => {
  target = await openTarget();
  kinesis = target.kinesis();
  stream = target.streamName('records');
  await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 2 }));
  await waitForStatus(kinesis, stream, 'ACTIVE');
});
afterAll(async () => target.close());

describe('PutRecord', () => {
  it('routes by the MD5 of the partition key and returns increasing 56-digit sequence numbers', async () => {
    const shards = (await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
    const upperStart = BigInt(shards[1]?.HashKeyRange?.StartingHashKey ?? '0');
    const key = 'route-me';
    const hash = BigInt(`0x${createHash('md5').update(key).digest('hex')}`);
    const expected = hash >= upperStart ? shards[1]?.ShardId : shards[0]?.ShardId;
    const a = await kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: key, Data: Buffer.from('1') }));
    const b = await kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: key, Data: Buffer.from('2') }));
    expect(a.ShardId).toBe(expected);
    expect(a.SequenceNumber).toMatch(/^\d{56}$/);
    expect(BigInt(b.SequenceNumber as string) > BigInt(a.SequenceNumber as string)).toBe(true);
  });

  it('accepts StreamARN in place of StreamName', async () => {
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    const arn = summary.StreamDescriptionSummary?.StreamARN as string;
    const out = await kinesis.send(new PutRecordCommand({ StreamARN: arn, PartitionKey: 'a', Data: Buffer.from('by-arn') }));
    expect(out.SequenceNumber).toMatch(/^\d{56}$/);
    const shards = await kinesis.send(new ListShardsCommand({ StreamARN: arn }));
    expect(shards.Shards).toHaveLength(2);
  });

  it('routes by ExplicitHashKey when given', async () => {
    const last = String(2n ** 128n - 1n);
    const out = await kinesis.send(
      new PutRecordCommand({ StreamName: stream, PartitionKey: 'x', ExplicitHashKey: last, Data: Buffer.from('e') }),
    );
    expect(out.ShardId).toBe('shardId-000000000001');
    const zero = await kinesis.send(
      new PutRecordCommand({ StreamName: stream, PartitionKey: 'x', ExplicitHashKey: '0', Data: Buffer.from('e') }),
    );
    expect(zero.ShardId).toBe('shardId-000000000000');
  });

  it('rejects an ExplicitHashKey beyond 2^128-1 with InvalidArgumentException', async () => {
    const err = await kinesis
      .send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'x', ExplicitHashKey: String(2n ** 128n), Data: Buffer.from('e') }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentException);
  });

  it('validates partition key length and data size with AWS wording', async () => {
    const err = await kinesis
      .send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'k'.repeat(257), Data: Buffer.from('x') }))
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('ValidationException');
    expect((err as Error).message).toMatch(/^1 validation error detected: Value '.*' at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256$/);
    const big = await kinesis
      .send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'k', Data: Buffer.alloc(1024 * 1024 + 1) }))
      .catch((e: unknown) => e);
    expect((big as Error).message).toContain("at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576");
  });

  it('answers ResourceNotFoundException for a missing stream', async () => {
    const err = await kinesis
      .send(new PutRecordCommand({ StreamName: target.streamName('none'), PartitionKey: 'k', Data: Buffer.from('x') }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('PutRecords', () => {
  it('stores every record and reports FailedRecordCount 0 with a sequence number and shard per record', async () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ PartitionKey: `pk-${i % 7}`, Data: Buffer.from(`batch-${i}`) }));
    const out = await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: records }));
    expect(out.FailedRecordCount).toBe(0);
    expect(out.Records).toHaveLength(50);
    for (const r of out.Records ?? []) {
      expect(r.SequenceNumber).toMatch(/^\d{56}$/);
      expect(r.ShardId).toMatch(/^shardId-\d{12}$/);
    }
    const stored = [...(await readAll('shardId-000000000000')), ...(await readAll('shardId-000000000001'))].map(text);
    for (let i = 0; i < 50; i++) expect(stored).toContain(`batch-${i}`);
  });

  it('rejects more than 500 records and names each bad entry by its position', async () => {
    const tooMany = Array.from({ length: 501 }, () => ({ PartitionKey: 'k', Data: Buffer.from('x') }));
    const err = await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: tooMany })).catch((e: unknown) => e);
    expect((err as Error).message).toContain("at 'records' failed to satisfy constraint: Member must have length less than or equal to 500");
    const bad = await kinesis
      .send(new PutRecordsCommand({ StreamName: stream, Records: [{ PartitionKey: 'ok', Data: Buffer.from('x') }, { PartitionKey: '', Data: Buffer.from('x') }] }))
      .catch((e: unknown) => e);
    expect((bad as Error).message).toBe(
      "1 validation error detected: Value '' at 'records.2.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('rejects a call above 5 MiB in total with InvalidArgumentException', async () => {
    const records = Array.from({ length: 6 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.alloc(1000 * 1000) }));
    const err = await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: records })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentException);
  });
});

describe('GetShardIterator and GetRecords', () => {
  it('reads from TRIM_HORIZON, AT/AFTER_SEQUENCE_NUMBER and LATEST positions', async () => {
    const shardId = 'shardId-000000000000';
    const puts = [];
    for (const n of [1, 2, 3]) {
      puts.push(
        await kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'p', ExplicitHashKey: '1', Data: Buffer.from(`seq-${n}`) })),
      );
    }
    const [, second] = puts;
    const at = await kinesis.send(
      new GetRecordsCommand({ ShardIterator: await iterator(shardId, 'AT_SEQUENCE_NUMBER', { StartingSequenceNumber: second?.SequenceNumber }) }),
    );
    expect(at.Records?.map(text)).toEqual(['seq-2', 'seq-3']);
    const after = await kinesis.send(
      new GetRecordsCommand({ ShardIterator: await iterator(shardId, 'AFTER_SEQUENCE_NUMBER', { StartingSequenceNumber: second?.SequenceNumber }) }),
    );
    expect(after.Records?.map(text)).toEqual(['seq-3']);

    const latest = await iterator(shardId, 'LATEST');
    const empty = await kinesis.send(new GetRecordsCommand({ ShardIterator: latest }));
    expect(empty.Records).toEqual([]);
    expect(empty.MillisBehindLatest).toBe(0);
    await kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'p', ExplicitHashKey: '1', Data: Buffer.from('seq-4') }));
    const next = await kinesis.send(new GetRecordsCommand({ ShardIterator: empty.NextShardIterator }));
    expect(next.Records?.map(text)).toEqual(['seq-4']);
    expect(next.Records?.[0]?.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
    expect(next.Records?.[0]?.PartitionKey).toBe('p');
  });

  it('reads from AT_TIMESTAMP onwards', async () => {
    const shardId = 'shardId-000000000001';
    const last = String(2n ** 128n - 1n);
    await kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'p', ExplicitHashKey: last, Data: Buffer.from('before') }));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const from = new Date();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'p', ExplicitHashKey: last, Data: Buffer.from('after') }));
    const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: await iterator(shardId, 'AT_TIMESTAMP', { Timestamp: from }) }));
    expect(out.Records?.map(text)).toEqual(['after']);
  });

  it('pages with Limit and reports MillisBehindLatest while records remain', async () => {
    const shardId = 'shardId-000000000000';
    const first = await kinesis.send(new GetRecordsCommand({ ShardIterator: await iterator(shardId, 'TRIM_HORIZON'), Limit: 1 }));
    expect(first.Records).toHaveLength(1);
    expect(first.NextShardIterator).toBeDefined();
    expect(first.MillisBehindLatest).toBeGreaterThanOrEqual(0);
    const second = await kinesis.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator, Limit: 1 }));
    expect(BigInt(second.Records?.[0]?.SequenceNumber ?? '0') > BigInt(first.Records?.[0]?.SequenceNumber ?? '0')).toBe(true);
  });

  it('rejects iterator requests AWS rejects, with AWS error names', async () => {
    const missingSeq = await kinesis
      .send(new GetShardIteratorCommand({ StreamName: stream, ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_SEQUENCE_NUMBER' }))
      .catch((e: unknown) => e);
    expect(missingSeq).toBeInstanceOf(InvalidArgumentException);
    const badType = await kinesis
      .send(new GetShardIteratorCommand({ StreamName: stream, ShardId: 'shardId-000000000000', ShardIteratorType: 'NEWEST' as never }))
      .catch((e: unknown) => e);
    expect((badType as Error).message).toContain(
      "at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]",
    );
    const noShard = await kinesis
      .send(new GetShardIteratorCommand({ StreamName: stream, ShardId: 'shardId-000000000099', ShardIteratorType: 'LATEST' }))
      .catch((e: unknown) => e);
    expect(noShard).toBeInstanceOf(ResourceNotFoundException);
    const put = await kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'p', ExplicitHashKey: '1', Data: Buffer.from('x') }));
    const wrongShard = await kinesis
      .send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: 'shardId-000000000001',
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: put.SequenceNumber,
        }),
      )
      .catch((e: unknown) => e);
    expect(wrongShard).toBeInstanceOf(InvalidArgumentException);
    const garbage = await kinesis.send(new GetRecordsCommand({ ShardIterator: 'not-an-iterator' })).catch((e: unknown) => e);
    expect(garbage).toBeInstanceOf(InvalidArgumentException);
    const limit = await kinesis
      .send(new GetRecordsCommand({ ShardIterator: await iterator('shardId-000000000000', 'LATEST'), Limit: 10001 }))
      .catch((e: unknown) => e);
    expect((limit as Error).message).toContain("at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000");
  });
});

describe('Iterator expiry (emulator: TTL shortened by configuration)', () => {
  it('answers ExpiredIteratorException once an iterator is older than its TTL', async () => {
    await whenEmulator(target, async () => {
      const short = await openTarget({ kinesis: { iteratorTtlMs: 50 } });
      try {
        const client = short.kinesis();
        const name = short.streamName('expiry');
        await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
        await waitForStatus(client, name, 'ACTIVE');
        const it1 = await client.send(
          new GetShardIteratorCommand({ StreamName: name, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
        );
        await new Promise((resolve) => setTimeout(resolve, 80));
        const err = await client.send(new GetRecordsCommand({ ShardIterator: it1.ShardIterator })).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ExpiredIteratorException);
      } finally {
        await short.close();
      }
    });
  });
});
