/**
 * Application tags: given at CreateApplication or by TagResource, removed by
 * UntagResource, listed by ListTagsForResource — with AWS's limits (50 tags, keys of
 * 1–128 and values of 0–256 characters) and its errors for unknown applications.
 */
import {
  CreateApplicationCommand, InvalidArgumentException, ListTagsForResourceCommand, ResourceNotFoundException,
  TagResourceCommand, TooManyTagsException, UntagResourceCommand,
  type KinesisAnalyticsV2Client, type Tag,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowSlowEndpoints, applicationInput, openTarget, removeApplication, type ConformanceTarget } from './target.js';

allowSlowEndpoints();

let target: ConformanceTarget;
let flink: KinesisAnalyticsV2Client;
const created: string[] = [];

beforeAll(async () => {
  target = await openTarget();
  flink = target.flink({ maxAttempts: 1 });
});
afterAll(async () => {
  for (const name of created) await removeApplication(flink, name).catch(() => undefined);
  await target.close();
});

/** Creates an application and returns its ARN. */
async function create(label: string, tags?: Tag[]): Promise<string> {
  const name = target.name(label);
  created.push(name);
  const out = await flink.send(new CreateApplicationCommand({ ...applicationInput(name), ...(tags ? { Tags: tags } : {}) }));
  return out.ApplicationDetail?.ApplicationARN as string;
}

/** AWS promises no order: compare by key. */
async function tagsOf(arn: string): Promise<Tag[]> {
  const out = await flink.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
  return [...(out.Tags ?? [])].sort((a, b) => ((a.Key ?? '') < (b.Key ?? '') ? -1 : 1));
}

const failure = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => null, (e: unknown) => e);

const numbered = (count: number, prefix = 'k'): Tag[] => Array.from({ length: count }, (_, i) => ({ Key: `${prefix}${i}`, Value: `v${i}` }));

describe('TagResource, UntagResource and ListTagsForResource', () => {
  it('lists the tags given at CreateApplication, adds and overwrites with TagResource, removes with UntagResource', async () => {
    const arn = await create('tags', [{ Key: 'team', Value: 'data' }, { Key: 'app', Value: 'taxi' }]);
    expect(await tagsOf(arn)).toEqual([{ Key: 'app', Value: 'taxi' }, { Key: 'team', Value: 'data' }]);

    await flink.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'team', Value: 'platform' }, { Key: 'tier', Value: '' }] }));
    expect(await tagsOf(arn)).toEqual([{ Key: 'app', Value: 'taxi' }, { Key: 'team', Value: 'platform' }, { Key: 'tier', Value: '' }]);

    await flink.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['app', 'absent'] }));
    expect(await tagsOf(arn)).toEqual([{ Key: 'team', Value: 'platform' }, { Key: 'tier', Value: '' }]);
  });

  it('lists no tags for an application created without any', async () => {
    const arn = await create('untagged');
    expect(await tagsOf(arn)).toEqual([]);
  });

  it('allows 50 tags and refuses the 51st (TooManyTagsException), at creation too', async () => {
    const arn = await create('fifty', numbered(40));
    await flink.send(new TagResourceCommand({ ResourceARN: arn, Tags: numbered(10, 'extra') }));
    expect(await tagsOf(arn)).toHaveLength(50);
    // Overwriting an existing key does not count as another tag.
    await flink.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'k0', Value: 'again' }] }));
    const tooMany = await failure(flink.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'one-more', Value: 'x' }] })));
    expect(tooMany).toBeInstanceOf(TooManyTagsException);
    expect(await tagsOf(arn)).toHaveLength(50);

    const name = target.name('fiftyone');
    const atCreate = await failure(flink.send(new CreateApplicationCommand({ ...applicationInput(name), Tags: numbered(51) })));
    expect(atCreate).toBeInstanceOf(TooManyTagsException);
  });

  it('rejects keys outside 1–128 characters, values over 256 and empty lists (InvalidArgumentException)', async () => {
    const arn = await create('limits');
    const cases: Tag[][] = [[{ Key: 'k'.repeat(129), Value: 'v' }], [{ Key: '', Value: 'v' }], [{ Key: 'k', Value: 'v'.repeat(257) }], []];
    for (const tags of cases) {
      const err = await failure(flink.send(new TagResourceCommand({ ResourceARN: arn, Tags: tags })));
      expect(err).toBeInstanceOf(InvalidArgumentException);
    }
    const longKey = await failure(flink.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['k'.repeat(129)] })));
    expect(longKey).toBeInstanceOf(InvalidArgumentException);
    const noKeys = await failure(flink.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: [] })));
    expect(noKeys).toBeInstanceOf(InvalidArgumentException);
    const badAtCreate = await failure(
      flink.send(new CreateApplicationCommand({ ...applicationInput(target.name('badtag')), Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] })),
    );
    expect(badAtCreate).toBeInstanceOf(InvalidArgumentException);
    expect(await tagsOf(arn)).toEqual([]);
  });

  it('answers ResourceNotFoundException for the ARN of an application that does not exist', async () => {
    const arn = await create('known');
    const missing = arn.replace(/application\/.+$/, `application/${target.name('missing')}`);
    expect(await failure(flink.send(new ListTagsForResourceCommand({ ResourceARN: missing })))).toBeInstanceOf(ResourceNotFoundException);
    expect(await failure(flink.send(new TagResourceCommand({ ResourceARN: missing, Tags: [{ Key: 'a', Value: 'b' }] })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect(await failure(flink.send(new UntagResourceCommand({ ResourceARN: missing, TagKeys: ['a'] })))).toBeInstanceOf(ResourceNotFoundException);
  });
});
