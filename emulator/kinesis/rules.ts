/** Validation rules shared by several operations, as in AWS's Kinesis model. */
import type { FieldRule } from '../core/types.js';

export const STREAM_NAME: FieldRule = { type: 'string', minLength: 1, maxLength: 128, pattern: '[a-zA-Z0-9_.-]+' };
export const STREAM_ARN: FieldRule = {
  type: 'string',
  minLength: 1,
  maxLength: 2048,
  pattern: 'arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+',
};
export const SHARD_ID: FieldRule = { type: 'string', minLength: 1, maxLength: 128, pattern: '[a-zA-Z0-9_.-]+' };
export const SEQUENCE_NUMBER: FieldRule = { type: 'string', pattern: '0|([1-9]\\d{0,128})' };
export const PARTITION_KEY: FieldRule = { type: 'string', required: true, minLength: 1, maxLength: 256 };
export const EXPLICIT_HASH_KEY: FieldRule = { type: 'string', pattern: '0|([1-9]\\d{0,38})' };
export const RECORD_DATA: FieldRule = { type: 'blob', required: true, maxLength: 1048576 };
export const TAG_KEY: FieldRule = { type: 'string', minLength: 1, maxLength: 128 };
