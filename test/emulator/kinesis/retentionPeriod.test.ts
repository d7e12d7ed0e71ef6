/**
 * Increase/DecreaseStreamRetentionPeriod as AWS answers them: 24–8760 hours, only in the
 * named direction, only while ACTIVE; the stream passes through UPDATING and every
 * description reports the new retention.
 */
import {
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  InvalidArgumentException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget, waitForStatus, whenEmulator } from './target.js';
import type { ConformanceTarget } from './target.js';

let target: ConformanceTarget;
let kinesis: KinesisClient;

beforeAll(async () => {
  // Long enough that CREATING and UPDATING are observable even on a loaded machine.
  target = await openTarget({ kinesis: { createStreamMs: 200, updateRetentionPeriodMs: 250 } });
  kinesis = target.kinesis({ maxAttempts: 1 });
});
afterAll(async () => target.close());

async function activeStream(label: string): Promise<string> {
  const name = target.streamName(label);
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  await waitForStatus(kinesis, name, 'ACTIVE');
  return name;
}

async function retentionOf(name: string): Promise<{ summary?: number; description?: number }> {
  const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
  const described = await kinesis.send(new DescribeStreamCommand({ StreamName: name }));
  return {
    summary: summary.StreamDescriptionSummary?.RetentionPeriodHours,
    description: described.StreamDescription?.RetentionPeriodHours,
  };
}

const failure = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => null, (e: unknown) => e);

describe('IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod', () => {
  it('raises the retention through UPDATING back to ACTIVE, reported by DescribeStream and DescribeStreamSummary', async () => {
    const name = await activeStream('ret-up');
    expect(await retentionOf(name)).toEqual({ summary: 24, description: 24 });
    await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 48 }));
    await whenEmulator(target, async () => {
      const during = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      expect(during.StreamDescriptionSummary?.StreamStatus).toBe('UPDATING');
    });
    await waitForStatus(kinesis, name, 'ACTIVE');
    expect(await retentionOf(name)).toEqual({ summary: 48, description: 48 });
  });

  it('lowers the retention again, addressed by StreamARN', async () => {
    const name = await activeStream('ret-down');
    await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 8760 }));
    await waitForStatus(kinesis, name, 'ACTIVE');
    const arn = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.StreamARN;
    await kinesis.send(new DecreaseStreamRetentionPeriodCommand({ StreamARN: arn, RetentionPeriodHours: 24 }));
    await waitForStatus(kinesis, name, 'ACTIVE');
    expect(await retentionOf(name)).toEqual({ summary: 24, description: 24 });
  });

  it('refuses a change in the wrong direction with AWS wording (InvalidArgumentException)', async () => {
    const name = await activeStream('ret-dir');
    const shorter = await failure(kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 12 })));
    expect(shorter).toBeInstanceOf(InvalidArgumentException);
    // 12 h is also below the minimum: the bound is named first, as kinesalite and moto record AWS answering.
    expect((shorter as Error).message).toBe('Minimum allowed retention period is 24 hours. Requested retention period (12 hours) is too short.');

    await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 72 }));
    await waitForStatus(kinesis, name, 'ACTIVE');
    const down = await failure(kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 48 })));
    expect(down).toBeInstanceOf(InvalidArgumentException);
    expect((down as Error).message).toBe(
      `Requested retention period (48 hours) for stream ${name} can not be shorter than existing retention period (72 hours). Use DecreaseRetentionPeriod API.`,
    );
    const up = await failure(kinesis.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 96 })));
    expect(up).toBeInstanceOf(InvalidArgumentException);
    expect((up as Error).message).toBe(
      `Requested retention period (96 hours) for stream ${name} can not be longer than existing retention period (72 hours). Use IncreaseRetentionPeriod API.`,
    );
  });

  it('keeps the retention within 24–8760 hours (InvalidArgumentException) and at least 1 in the model (ValidationException)', async () => {
    const name = await activeStream('ret-bounds');
    const tooLong = await failure(kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 8761 })));
    expect(tooLong).toBeInstanceOf(InvalidArgumentException);
    expect((tooLong as Error).message).toBe('Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.');
    const tooShort = await failure(kinesis.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 23 })));
    expect(tooShort).toBeInstanceOf(InvalidArgumentException);
    expect((tooShort as Error).message).toBe('Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.');
    const zero = await failure(kinesis.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 0 })));
    expect((zero as Error).name).toBe('ValidationException');
    expect((zero as Error).message).toBe(
      "1 validation error detected: Value '0' at 'retentionPeriodHours' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  it('answers ResourceInUseException while the stream is not ACTIVE', async () => {
    const name = await activeStream('ret-busy');
    await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 48 }));
    const busy = await failure(kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 96 })));
    expect(busy).toBeInstanceOf(ResourceInUseException);
    await waitForStatus(kinesis, name, 'ACTIVE');
    const creating = target.streamName('ret-creating');
    await kinesis.send(new CreateStreamCommand({ StreamName: creating, ShardCount: 1 }));
    const early = await failure(kinesis.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: creating, RetentionPeriodHours: 24 })));
    expect(early).toBeInstanceOf(ResourceInUseException);
    await waitForStatus(kinesis, creating, 'ACTIVE');
  });

  it('names a missing stream (ResourceNotFoundException)', async () => {
    const missing = target.streamName('ret-gone');
    const up = await failure(kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: missing, RetentionPeriodHours: 48 })));
    expect(up).toBeInstanceOf(ResourceNotFoundException);
    const down = await failure(kinesis.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: missing, RetentionPeriodHours: 24 })));
    expect(down).toBeInstanceOf(ResourceNotFoundException);
  });
});
