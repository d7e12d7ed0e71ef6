/** Wire shapes shared by several CloudWatch operations, and conversions to internal types. */
import type { FieldRule, ValidationTable } from '../core/types.js';

export interface WireDimension {
  Name: string;
  Value: string;
}

export interface WireMetric {
  Namespace?: string;
  MetricName?: string;
  Dimensions?: WireDimension[];
}

export const NAMESPACE_RULE: FieldRule = { type: 'string', minLength: 1, maxLength: 255, pattern: '[^:].*' };
export const METRIC_NAME_RULE: FieldRule = { type: 'string', minLength: 1, maxLength: 255 };

export const DIMENSION_TABLE: ValidationTable = {
  Name: { type: 'string', required: true, minLength: 1, maxLength: 255 },
  Value: { type: 'string', required: true, minLength: 1, maxLength: 1024 },
};

export function dimensionsToRecord(dimensions: WireDimension[] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const d of dimensions ?? []) record[d.Name] = d.Value;
  return record;
}

export function recordToDimensions(record: Record<string, string>): WireDimension[] {
  return Object.keys(record)
    .sort()
    .map((Name) => ({ Name, Value: record[Name] as string }));
}

/** Wire timestamps are epoch seconds (possibly fractional). */
export function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1000);
}

/** Opaque page token: a base64 offset, as stable as the sort order it pages. */
export function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

export function decodeToken(token: string | undefined): number | null {
  if (token === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
    return typeof parsed.offset === 'number' && Number.isInteger(parsed.offset) && parsed.offset >= 0 ? parsed.offset : null;
  } catch {
    return null;
  }
}
