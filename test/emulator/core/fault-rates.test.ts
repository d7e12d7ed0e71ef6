/**
 * The fault injection the fault suite (test/faults/) relies on: faults at a share of
 * calls, on every operation (`*`), aimed at one resource, answered after the change took
 * effect, and a Kinesis stream stuck UPDATING until the fault is cleared.
 */
import { CreateStreamCommand, DescribeStreamSummaryCommand, UpdateShardCountCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector, faultSpecProblem } from '../../../emulator/core/faults.js';
import { kinesisClient, startTestEmulator, type TestEmulator } from '../../support/emulator.js';

describe('FaultInjector', () => {
  it('fails a share of calls of every operation with `*`, drawing from the given generator', () => {
    const draws = [0.05, 0.5, 0.09, 0.95];
    const faults = new FaultInjector(() => draws.shift() ?? 1);
    faults.add({ kind: 'fail', operation: '*', share: 0.1, errorName: 'InternalFailure', status: 500 });
    const outcomes = ['ListStreams', 'DescribeStream', 'PutRecords', 'UpdateShardCount'].map((op) => faults.evaluate('Kinesis_20131202', op).error?.code ?? null);
    expect(outcomes).toEqual(['InternalFailure', null, 'InternalFailure', null]);
    // A share-based fault stays until cleared.
    expect(faults.list()).toHaveLength(1);
  });

  it('aims a fault at one stream or application, ahead of general faults', () => {
    const faults = new FaultInjector(() => 0);
    faults.add({ kind: 'fail', operation: 'UpdateShardCount', share: 1, errorName: 'InternalFailure', status: 500 });
    faults.add({ kind: 'fail', operation: 'UpdateShardCount', resource: 'a', count: 1, errorName: 'LimitExceededException' });
    expect(faults.evaluate('Kinesis_20131202', 'UpdateShardCount', { StreamName: 'b' }).error?.code).toBe('InternalFailure');
    expect(faults.evaluate('Kinesis_20131202', 'UpdateShardCount', { StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/a' }).error?.code)
      .toBe('LimitExceededException');
    expect(faults.evaluate('Kinesis_20131202', 'UpdateShardCount', { StreamName: 'a' }).error?.code).toBe('InternalFailure');
  });

  it('delays a share of calls and marks errors answered after applying', () => {
    const faults = new FaultInjector(() => 0.3);
    faults.add({ kind: 'latency', operation: '*', share: 0.5, latencyMs: 200 });
    faults.add({ kind: 'latency', operation: '*', share: 0.2, latencyMs: 1000 });
    faults.add({ kind: 'fail', operation: 'UpdateApplication', share: 0.5, errorName: 'InternalFailure', status: 500, afterApplying: true });
    expect(faults.evaluate('KinesisAnalytics_20180523', 'UpdateApplication')).toMatchObject({ delayMs: 200, errorAfterApplying: true });
  });

  it('names the rule a malformed fault breaks', () => {
    expect(faultSpecProblem({ kind: 'fail', operation: 'X', errorName: 'E' })).toBe('exactly one of count and share is required');
    expect(faultSpecProblem({ kind: 'fail', operation: 'X', errorName: 'E', share: 2 })).toBe('share must be a number from 0 to 1');
    expect(faultSpecProblem({ kind: 'latency', operation: 'X', latencyMs: 5, share: -1 })).toBe('share must be a number from 0 to 1');
    expect(faultSpecProblem({ kind: 'fail', operation: 'X', errorName: 'E', count: 1, afterApplying: 'yes' })).toBe('afterApplying must be a boolean');
  });
});

describe('faults on the wire', () => {
  let emulator: TestEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ kinesis: { updateShardCountMs: 50 } });
  });
  afterAll(async () => emulator.stop());

  const admin = async (path: string, body: unknown) => {
    const response = await fetch(`${emulator.url}/_emulator/${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const status = async (kinesis: ReturnType<typeof kinesisClient>, name: string) =>
    (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary;
  /** CreateStream answers at once; the stream is CREATING until the emulator's delay passes. */
  const createActive = async (kinesis: ReturnType<typeof kinesisClient>, name: string, shards: number) => {
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    const deadline = Date.now() + 10_000;
    while ((await status(kinesis, name))?.StreamStatus !== 'ACTIVE' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  };

  it('answers a 500 after applying: the reshard happened although the caller saw an error', async () => {
    const kinesis = kinesisClient(emulator, { maxAttempts: 1 });
    try {
      await createActive(kinesis, 'after-applying', 1);
      await admin('faults', { kind: 'fail', operation: 'UpdateShardCount', count: 1, errorName: 'InternalFailure', status: 500, afterApplying: true });
      await expect(kinesis.send(new UpdateShardCountCommand({ StreamName: 'after-applying', TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' })))
        .rejects.toMatchObject({ name: 'InternalFailure' });
      const deadline = Date.now() + 10_000;
      while ((await status(kinesis, 'after-applying'))?.OpenShardCount !== 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await status(kinesis, 'after-applying')).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 2 });
      // The call log tells this answer from a 500 that changed nothing: the one accepted change of the suite's accounting.
      const logged = emulator.admin.calls({ operation: 'UpdateShardCount' }).filter((c) => JSON.stringify(c.params).includes('"after-applying"'));
      expect(logged).toEqual([expect.objectContaining({ outcome: 'error', error: 'InternalFailure', appliedThenFailed: true })]);
    } finally {
      kinesis.destroy();
    }
  });

  it('keeps a stream UPDATING under stuck-updating until cleared, then finishes the reshard', async () => {
    const kinesis = kinesisClient(emulator);
    try {
      await createActive(kinesis, 'stuck', 2);
      expect((await admin('kinesis/faults', { stream: 'stuck', fault: 'stuck-updating' })).status).toBe(200);
      await kinesis.send(new UpdateShardCountCommand({ StreamName: 'stuck', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }));
      await new Promise((r) => setTimeout(r, 300));
      expect(await status(kinesis, 'stuck')).toMatchObject({ StreamStatus: 'UPDATING', OpenShardCount: 2 });
      expect((await admin('kinesis/faults', { stream: 'stuck', fault: 'clear' })).body).toMatchObject({ released: true });
      expect(await status(kinesis, 'stuck')).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 4 });
    } finally {
      kinesis.destroy();
    }
  });

  it('refuses a Kinesis fault for an unknown stream or fault name', async () => {
    expect((await admin('kinesis/faults', { stream: 'nope', fault: 'stuck-updating' })).status).toBe(404);
    expect((await admin('kinesis/faults', { stream: 'stuck', fault: 'melt' })).body.error).toContain('stuck-updating, clear');
  });
});
