import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Client } from '@temporalio/client';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import type { ReplayProgress } from '../../model/status.js';
import { eventsQuery, replayProgressQuery, teardownSignal } from '../../workflows/contract.js';
import { cloudWatchClient, flinkClient, kinesisClient, startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { createTestClient, runWorker } from '../support/temporal.js';
import { startPipeline, testSpec, waitForPhase } from '../workflows/lifecycle-harness.js';
import { sampleSlice, waitFor, type Slice } from './fixtures/harness.js';
import { countIds, readUserRecords } from './read-back.js';

describe('replay inside the real pipeline workflow', () => {
  let emulator: TestEmulator;
  let kinesis: KinesisClient;
  let client: Client;
  let slice: Slice;

  beforeAll(async () => {
    [emulator, client, slice] = await Promise.all([startTestEmulator(), createTestClient(), sampleSlice(2_000)]);
    kinesis = kinesisClient(emulator);
  });
  afterAll(async () => {
    kinesis?.destroy();
    await client?.connection.close();
    await emulator?.stop();
    await rm(slice.dataDir, { recursive: true, force: true });
  });

  // The spec asks for KPL aggregation (`replay.aggregate`), so this also proves the option
  // reaches the replay's producer; plain replays run in every e2e pipeline test.
  it('replays the spec\'s source once the pipeline runs: every event on the stream once (KPL-aggregated, as the spec asks), progress in the status', async () => {
    const activities = createActivities({
      kinesis, flink: flinkClient(emulator), cloudwatch: cloudWatchClient(emulator), dataDir: slice.dataDir,
      pollTiming: { minDelayMs: 20, maxDelayMs: 100 },
    });
    await runWorker({ activities }, async ({ taskQueue }) => {
      const spec = testSpec(`rpl-${Date.now().toString(36)}`, { replay: { source: slice.source, speedup: 'max', startPaused: false, aggregate: true } });
      const handle = await startPipeline(client, taskQueue, spec);
      const pending = await handle.query(replayProgressQuery);
      expect(pending?.state).toMatch(/pending|running|completed/);
      await waitForPhase(handle, ['RUNNING']);
      const done = await waitFor<ReplayProgress>('replay completed', async () => {
        const p = await handle.query(replayProgressQuery);
        if (p?.state === 'failed') throw new Error(`replay failed: ${p.error}`);
        return p?.state === 'completed' ? p : undefined;
      }, 60_000);
      expect(done).toMatchObject({ eventsSent: 2_000, eventsTotal: 2_000, percent: 100, malformedLines: 0 });
      const stored = await readUserRecords(kinesis, spec.stream.name);
      expect(countIds(stored.keys)).toEqual(countIds(slice.ids));
      expect(stored.misplaced).toBe(0);
      // Aggregated: many trips per Kinesis record.
      expect(stored.kinesisRecords * 20).toBeLessThan(slice.ids.length);
      const events = (await handle.query(eventsQuery)).map((e) => e.message);
      expect(events.some((m) => m.startsWith('Replay completed: 2000 events sent'))).toBe(true);
      await handle.signal(teardownSignal, {});
      await waitForPhase(handle, ['DELETED'], 60_000);
    });
  });
});
