/**
 * The limits table of emulator/README.md is what the `aws` profile does: every rate row
 * there is the profile's rate for each operation it names (and no rate-limited operation
 * is missing from it), every other number of the table is the profile's setting, and
 * every rate-limited operation is throttled on the wire under its own name, with its
 * service's exception. The numbers themselves are AWS's, cited in that table.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_API_RATES, type ApiRateTable } from '../../../emulator/core/apiRates.js';
import { defaultShardQuota, resolveEmulatorOptions } from '../../../emulator/config.js';
import { startAwsProfileEmulator, type AwsProfileEmulator } from './support.js';

const README = readFileSync(resolve(import.meta.dirname, '../../../emulator/README.md'), 'utf8');
const MiB = 1024 * 1024;

/** Operation → per-second rate, from every README table row whose value reads "N / s". */
function documentedRates(): Map<string, number> {
  const rates = new Map<string, number>();
  for (const line of README.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const rate = /^([\d,]+) \/ s\b/.exec(cells[2] ?? '');
    if (!line.startsWith('|') || rate === null) continue;
    // "Create/Delete/Start/Stop/Update/RollbackApplication" names six operations.
    const names = cells[1]!.includes('/')
      ? cells[1]!.split('/').map((n, _, all) => (n.endsWith('Application') ? n : `${n}${/Application$/.test(all[all.length - 1]!) ? 'Application' : ''}`))
      : cells[1]!.split(',').map((n) => n.trim());
    for (const name of names) rates.set(name, Number(rate[1]!.replace(/,/g, '')));
  }
  return rates;
}

describe('the limits table and the aws profile agree', () => {
  const aws = resolveEmulatorOptions('aws');

  it('every rate-limited operation has the rate the table documents, and the table names no other', () => {
    const documented = documentedRates();
    const configured = new Map(Object.values(AWS_API_RATES).flatMap((ops) => Object.entries(ops).map(([op, r]) => [op, r.perSecond] as const)));
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(configured));
    expect(aws.apiRates).toEqual({ enabled: true, table: AWS_API_RATES });
  });

  it('per-stream, per-shard and account scopes are the documented ones', () => {
    expect(AWS_API_RATES.Kinesis_20131202!.ListShards!.scope).toBe('stream');
    expect(AWS_API_RATES.Kinesis_20131202!.GetShardIterator!.scope).toBe('shard');
    const others = Object.values(AWS_API_RATES).flatMap((ops) => Object.entries(ops)).filter(([op]) => op !== 'ListShards' && op !== 'GetShardIterator');
    expect(others.every(([, r]) => r.scope === 'account')).toBe(true);
  });

  it('quotas, throughput limits and metric timing are the documented numbers', () => {
    expect(aws.kinesis.updateShardCountPerDay).toBe(10);
    expect(aws.kinesis.shardsPerAccount).toBe(20_000);
    expect(['us-east-1', 'us-west-2', 'eu-west-1'].map(defaultShardQuota)).toEqual([20_000, 20_000, 20_000]);
    expect(defaultShardQuota('ap-south-1')).toBe(1_000);
    expect(aws.kinesis).toMatchObject({ limitsEnabled: true, writeRecordsPerSecond: 1_000, writeBytesPerSecond: MiB, readCallsPerSecond: 5, readBytesPerSecond: 2 * MiB });
    expect(aws.flink).toMatchObject({ maxApplications: 100, maxKpus: 64, kpusPublishIntervalMs: 3_600_000 });
    expect(aws.cloudwatch).toMatchObject({ awsNamespaceResolutionSec: 60, publicationDelayMs: 60_000 });
    // And the table says so.
    for (const row of ['| UpdateShardCount | 10 calls per rolling 24 h', '| Writes per shard | 1,000 records/s and 1 MiB/s', '| Reads per shard | 5 GetRecords/s and 2 MiB/s', '| Applications | 100 per region', '| KPUs per application | 64', '| Resolution of `AWS/` service metrics | 60 s', '| Publication delay of `AWS/` metrics | 60 s']) {
      expect(README).toContain(row);
    }
  });
});

describe('every rate-limited operation is throttled on the wire', () => {
  // Every rate lowered to 2 a second (scopes kept), so each operation needs three calls.
  const lowered: ApiRateTable = Object.fromEntries(
    Object.entries(AWS_API_RATES).map(([prefix, ops]) => [prefix, Object.fromEntries(Object.entries(ops).map(([op, r]) => [op, { ...r, perSecond: 2 }]))]),
  );
  const EXPECTED: Record<string, { contentType: string; type: string }> = {
    Kinesis_20131202: { contentType: 'application/x-amz-json-1.1', type: 'LimitExceededException' },
    KinesisAnalytics_20180523: { contentType: 'application/x-amz-json-1.1', type: 'ThrottlingException' },
    GraniteServiceVersion20100801: { contentType: 'application/x-amz-json-1.0', type: 'Throttling' },
  };
  let emulator: AwsProfileEmulator;
  beforeAll(async () => {
    emulator = await startAwsProfileEmulator({ apiRates: { enabled: true, table: lowered } });
  });
  afterAll(async () => emulator.close());

  async function call(prefix: string, op: string): Promise<string | null> {
    const response = await fetch(`${emulator.url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': `${prefix}.${op}`, 'content-type': EXPECTED[prefix]!.contentType },
      // A stream and shard for the per-stream and per-shard scopes; the rate is counted before validation.
      body: JSON.stringify({ StreamName: 'limits', ShardId: 'shardId-000000000000' }),
    });
    const body = (await response.json()) as { __type?: string };
    const queryError = response.headers.get('x-amzn-query-error');
    return response.status === 200 ? null : `${body.__type ?? ''} ${queryError ?? ''}`;
  }

  it.each(Object.keys(AWS_API_RATES))('%s: the third call in one second gets the service’s throttling error', async (prefix) => {
    emulator.advance(2_000);
    for (const op of Object.keys(AWS_API_RATES[prefix]!)) {
      const outcomes = [await call(prefix, op), await call(prefix, op), await call(prefix, op)];
      const throttled = outcomes.map((o) => o !== null && o.includes(EXPECTED[prefix]!.type));
      expect({ op, throttled }).toEqual({ op, throttled: [false, false, true] });
    }
  });
});
