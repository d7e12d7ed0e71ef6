import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  InvalidArgumentException,
  ListShardsCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
  RemoveTagsFromStreamCommand,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget, waitForDeleted, waitForStatus, whenEmulator } from './target.js';
import type { ConformanceTarget } from './target.js';

let target: ConformanceTarget;
let kinesis: KinesisClient;

beforeAll(async () => {
  // Long enough that the CREATING and DELETING states are observable even on a loaded machine.
  target = await openTarget({ kinesis: { createStreamMs: 400, deleteStreamMs: 400 } });
  kinesis = target.kinesis();
});
afterAll(async () => target.close());

describe('CreateStream and the stream lifecycle', () => {
  it('creates a stream that is CREATING, then ACTIVE, with N shards splitting the hash space evenly', async () => {
    const name = target.streamName('life');
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 3 }));
    const first = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    expect(first.StreamDescriptionSummary?.StreamStatus).toBe('CREATING');
    await waitForStatus(kinesis, name, 'ACTIVE');

    const described = await kinesis.send(new DescribeStreamCommand({ StreamName: name }));
    const shards = described.StreamDescription?.Shards ?? [];
    expect(shards.map((s) => s.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002']);
    const step = 2n ** 128n / 3n;
    expect(shards.map((s) => s.HashKeyRange?.StartingHashKey)).toEqual(['0', String(step), String(step * 2n)]);
    expect(shards[2]?.HashKeyRange?.EndingHashKey).toBe(String(2n ** 128n - 1n));
    expect(shards[0]?.HashKeyRange?.EndingHashKey).toBe(String(step - 1n));
    for (const shard of shards) expect(shard.SequenceNumberRange?.StartingSequenceNumber).toMatch(/^\d{56}$/);
    expect(described.StreamDescription?.HasMoreShards).toBe(false);
    expect(described.StreamDescription?.RetentionPeriodHours).toBe(24);
    expect(described.StreamDescription?.StreamARN).toMatch(new RegExp(`^arn:aws:kinesis:[a-z0-9-]+:\\d{12}:stream/${name}$`));

    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    expect(summary.StreamDescriptionSummary?.OpenShardCount).toBe(3);
    expect(summary.StreamDescriptionSummary?.StreamCreationTimestamp).toBeInstanceOf(Date);
  });

  it('rejects a second stream of the same name with ResourceInUseException', async () => {
    const name = target.streamName('dup');
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    const err = await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceInUseException);
    expect((err as Error).message).toMatch(new RegExp(`^Stream ${name} under account \\d{12} already exists\\.$`));
  });

  it('answers ValidationException with AWS wording for bad names and shard counts', async () => {
    const err = await kinesis.send(new CreateStreamCommand({ StreamName: 'bad name!', ShardCount: 0 })).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ValidationException');
    expect((err as Error).message).toBe(
      "2 validation errors detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; ' +
        "Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    const long = await kinesis.send(new CreateStreamCommand({ StreamName: 'a'.repeat(129), ShardCount: 1 })).catch((e: unknown) => e);
    expect((long as Error).message).toContain('Member must have length less than or equal to 128');
    const missing = await kinesis.send(new CreateStreamCommand({} as never)).catch((e: unknown) => e);
    expect((missing as Error).message).toBe(
      "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null",
    );
  });

  it('deletes a stream: DELETING, then gone (ResourceNotFoundException)', async () => {
    const name = target.streamName('del');
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    await waitForStatus(kinesis, name, 'ACTIVE');
    await kinesis.send(new DeleteStreamCommand({ StreamName: name }));
    const during = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    expect(during.StreamDescriptionSummary?.StreamStatus).toBe('DELETING');
    await waitForDeleted(kinesis, name);
    const err = await kinesis.send(new DeleteStreamCommand({ StreamName: name })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceNotFoundException);
  });

  it('reports a missing stream by name or ARN with ResourceNotFoundException', async () => {
    const name = target.streamName('missing');
    const byName = await kinesis.send(new DescribeStreamCommand({ StreamName: name })).catch((e: unknown) => e);
    expect(byName).toBeInstanceOf(ResourceNotFoundException);
    expect((byName as Error).message).toMatch(new RegExp(`^Stream ${name} under account \\d{12} not found\\.$`));
    const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;
    const byArn = await kinesis.send(new DescribeStreamSummaryCommand({ StreamARN: arn })).catch((e: unknown) => e);
    expect(byArn).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('Listing streams and shards', () => {
  it('lists streams with summaries and pages them with Limit and NextToken', async () => {
    const names = [target.streamName('list-a'), target.streamName('list-b'), target.streamName('list-c')];
    for (const name of names) await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    const seen: string[] = [];
    let page = await kinesis.send(new ListStreamsCommand({ Limit: 2 }));
    seen.push(...(page.StreamNames ?? []));
    while (page.HasMoreStreams) {
      page = await kinesis.send(new ListStreamsCommand({ Limit: 2, NextToken: page.NextToken }));
      seen.push(...(page.StreamNames ?? []));
    }
    for (const name of names) expect(seen).toContain(name);
    expect(page.StreamSummaries?.[0]?.StreamARN).toMatch(/^arn:aws:kinesis:/);
  });

  it('lists shards by StreamName or StreamARN and pages with MaxResults and NextToken', async () => {
    const name = target.streamName('shards');
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 5 }));
    await waitForStatus(kinesis, name, 'ACTIVE');
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    const arn = summary.StreamDescriptionSummary?.StreamARN as string;
    const first = await kinesis.send(new ListShardsCommand({ StreamARN: arn, MaxResults: 3 }));
    expect(first.Shards?.map((s) => s.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002']);
    const rest = await kinesis.send(new ListShardsCommand({ NextToken: first.NextToken }));
    expect(rest.Shards?.map((s) => s.ShardId)).toEqual(['shardId-000000000003', 'shardId-000000000004']);
    expect(rest.NextToken).toBeUndefined();

    const both = await kinesis.send(new ListShardsCommand({ StreamName: name, NextToken: first.NextToken })).catch((e: unknown) => e);
    expect(both).toBeInstanceOf(InvalidArgumentException);
  });

  it('pages DescribeStream shards with Limit and ExclusiveStartShardId', async () => {
    const name = target.streamName('descpage');
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 3 }));
    await waitForStatus(kinesis, name, 'ACTIVE');
    const page = await kinesis.send(new DescribeStreamCommand({ StreamName: name, Limit: 2 }));
    expect(page.StreamDescription?.Shards).toHaveLength(2);
    expect(page.StreamDescription?.HasMoreShards).toBe(true);
    const next = await kinesis.send(
      new DescribeStreamCommand({ StreamName: name, ExclusiveStartShardId: 'shardId-000000000001' }),
    );
    expect(next.StreamDescription?.Shards?.map((s) => s.ShardId)).toEqual(['shardId-000000000002']);
  });
});

describe('Tags', () => {
  it('stores tags given at creation and by AddTagsToStream, listed in key order', async () => {
    const name = target.streamName('tags');
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1, Tags: { team: 'data' } }));
    await waitForStatus(kinesis, name, 'ACTIVE');
    await kinesis.send(new AddTagsToStreamCommand({ StreamName: name, Tags: { app: 'taxi', team: 'platform' } }));
    const tags = await kinesis.send(new ListTagsForStreamCommand({ StreamName: name }));
    expect(tags.Tags).toEqual([
      { Key: 'app', Value: 'taxi' },
      { Key: 'team', Value: 'platform' },
    ]);
    expect(tags.HasMoreTags).toBe(false);
    const limited = await kinesis.send(new ListTagsForStreamCommand({ StreamName: name, Limit: 1 }));
    expect(limited.HasMoreTags).toBe(true);
  });

  it('removes tags with RemoveTagsFromStream, by StreamName or StreamARN, ignoring keys it does not carry', async () => {
    const name = target.streamName('untag');
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1, Tags: { app: 'taxi', team: 'data', tier: 'gold' } }));
    await waitForStatus(kinesis, name, 'ACTIVE');
    await kinesis.send(new RemoveTagsFromStreamCommand({ StreamName: name, TagKeys: ['team', 'absent'] }));
    const arn = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.StreamARN;
    await kinesis.send(new RemoveTagsFromStreamCommand({ StreamARN: arn, TagKeys: ['tier'] }));
    const tags = await kinesis.send(new ListTagsForStreamCommand({ StreamName: name }));
    expect(tags.Tags).toEqual([{ Key: 'app', Value: 'taxi' }]);
  });

  it('rejects RemoveTagsFromStream without keys (ValidationException), with bad characters (InvalidArgumentException) or for a missing stream', async () => {
    const name = target.streamName('untagbad');
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    await waitForStatus(kinesis, name, 'ACTIVE');
    const empty = await kinesis.send(new RemoveTagsFromStreamCommand({ StreamName: name, TagKeys: [] })).catch((e: unknown) => e);
    expect((empty as Error).name).toBe('ValidationException');
    expect((empty as Error).message).toContain("at 'tagKeys' failed to satisfy constraint: Member must have length greater than or equal to 1");
    const odd = await kinesis.send(new RemoveTagsFromStreamCommand({ StreamName: name, TagKeys: ['a*b'] })).catch((e: unknown) => e);
    expect(odd).toBeInstanceOf(InvalidArgumentException);
    const missing = await kinesis
      .send(new RemoveTagsFromStreamCommand({ StreamName: target.streamName('untaggone'), TagKeys: ['a'] }))
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it('rejects tagging a missing stream with ResourceNotFoundException', async () => {
    const err = await kinesis
      .send(new AddTagsToStreamCommand({ StreamName: target.streamName('notag'), Tags: { a: 'b' } }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('Emulator call log', () => {
  it('records each call with its operation and outcome', async () => {
    await whenEmulator(target, (emulator) => {
      const calls = emulator.admin.calls({ operation: 'CreateStream' });
      expect(calls.some((c) => c.outcome === 'ok')).toBe(true);
      expect(calls.some((c) => c.error === 'ResourceInUseException')).toBe(true);
    });
  });
});
