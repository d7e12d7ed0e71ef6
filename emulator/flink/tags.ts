/**
 * Application tags (TagResource, UntagResource, ListTagsForResource, CreateApplication's
 * `Tags`): the model's limits, checked as Managed Flink reports them — constraint
 * violations as InvalidArgumentException, more than 50 tags as TooManyTagsException.
 */
import type { FieldRule } from '../core/types.js';
import { checkField } from '../core/validation.js';
import type { FlinkEngine } from './engine.js';
import { applicationNotFound, invalidArgument, tooManyTags } from './errors.js';
import type { Application } from './model.js';

export interface WireTag {
  Key: string;
  Value?: string;
}

/** User-defined tags an application may carry. */
export const MAX_TAGS = 50;

export const RESOURCE_ARN: FieldRule = { type: 'string', required: true, minLength: 1, maxLength: 2048, pattern: 'arn:.*' };
export const TAG_LIST: FieldRule = { type: 'array', minItems: 1, maxItems: 200 };
const TAG: FieldRule = { type: 'object', required: true };
const TAG_KEY: FieldRule = { type: 'string', required: true, minLength: 1, maxLength: 128 };
const TAG_VALUE: FieldRule = { type: 'string', minLength: 0, maxLength: 256 };

const APPLICATION_ARN = /^arn:[^:]+:kinesisanalytics:[^:]*:\d{12}:application\/(.+)$/;

function invalid(problems: string[]): never {
  throw invalidArgument(`${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`);
}

/** Checks each tag of a list already checked as a whole (`path` as AWS prints list members). */
export function assertTags(tags: readonly unknown[], path: string): WireTag[] {
  const problems = tags.flatMap((tag, i) => {
    const member = `${path}.${i + 1}.member`;
    const own = checkField(tag, TAG, member);
    if (own.length > 0) return own;
    const { Key, Value } = tag as Record<string, unknown>;
    return [...checkField(Key, TAG_KEY, `${member}.key`), ...checkField(Value, TAG_VALUE, `${member}.value`)];
  });
  if (problems.length > 0) invalid(problems);
  return tags as WireTag[];
}

export function assertTagKeys(keys: readonly unknown[]): string[] {
  const problems = keys.flatMap((key, i) => checkField(key, TAG_KEY, `tagKeys.${i + 1}.member`));
  if (problems.length > 0) invalid(problems);
  return keys as string[];
}

/** The tags after `added` are laid over `current` (a key given again takes the new value). */
export function mergeTags(current: readonly WireTag[], added: readonly WireTag[], application: string): WireTag[] {
  const merged = new Map(current.map((t) => [t.Key, t]));
  for (const tag of added) merged.set(tag.Key, tag.Value === undefined ? { Key: tag.Key } : { Key: tag.Key, Value: tag.Value });
  if (merged.size > MAX_TAGS) {
    throw tooManyTags(`Application ${application} cannot have more than ${MAX_TAGS} tags; the request would give it ${merged.size}.`);
  }
  return [...merged.values()];
}

/** The application a ResourceARN names; only applications can be tagged. */
export function findApplicationByArn(engine: FlinkEngine, resourceArn: string, accountId: string): Application {
  const match = APPLICATION_ARN.exec(resourceArn);
  if (match === null) throw invalidArgument(`Invalid ResourceARN: ${resourceArn} is not the ARN of an application.`);
  const name = match[1] as string;
  const app = engine.apps.get(name);
  if (app === undefined || app.arn !== resourceArn) throw applicationNotFound(name, accountId);
  return app;
}
