/**
 * The replay activities. `replayChunk` runs the engine for at most `maxChunkMs` and
 * returns where it stopped, so the child workflow decides between chunks whether to go
 * on, pause, stop or change speed (no polling, no cancellation on the happy path).
 * Within a chunk it heartbeats its checkpoint every few seconds; a retried attempt
 * (worker crash, timeout) resumes from the last heartbeat, so at most the batches
 * acknowledged since that heartbeat are sent twice.
 */
import { access } from 'node:fs/promises';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { summarizeSource, type SourceSummary } from '../../data/readers/source.js';
import { runReplay, type ReplayProgressTick } from './engine.js';
import { kplAggregatingSink } from './kpl-sink.js';
import { kinesisSink } from './put-records.js';
import { resolveReplaySource, ReplaySourceError } from './sources.js';
import { EMPTY_CHECKPOINT, type MalformedLine, type ReplayCheckpoint, type ScheduleAnchor, type Speedup } from './types.js';

export type { MalformedLine, ReplayCheckpoint, ScheduleAnchor, Speedup } from './types.js';
export type { SourceSummary } from '../../data/readers/source.js';

export const REPLAY_SOURCE_FAILURE = 'ReplaySourceInvalid';

export interface ReplayActivityDeps {
  kinesis: KinesisClient;
  /** Folder that non-sample sources are resolved in (config.dataDir). */
  dataDir: string;
  /** Override of the committed sample's path. */
  sampleFile?: string;
  /** How often a chunk heartbeats its checkpoint (Temporal further throttles what it sends). */
  heartbeatIntervalMs?: number;
  /** Longest an event waits in a batch for later ones. */
  maxBatchDelayMs?: number;
}

export interface ReplayChunkInput {
  source: string;
  streamName: string;
  speedup: Speedup;
  /** Where to start; null: from the beginning of the source. */
  from: ReplayCheckpoint | null;
  anchor: ScheduleAnchor | null;
  /** Wall time a chunk may run before it returns its position. */
  maxChunkMs: number;
  /** KPL-aggregate the records (many trips per Kinesis record). */
  aggregate?: boolean;
}

export interface ReplayChunkResult {
  checkpoint: ReplayCheckpoint;
  anchor: ScheduleAnchor | null;
  eventsPerSecond: number;
  finished: boolean;
  /** Malformed lines met in this chunk (the first few). */
  malformed: MalformedLine[];
  /** True when this attempt resumed from a heartbeat of an earlier attempt. */
  resumedFromHeartbeat: boolean;
}

const MALFORMED_REPORTED_PER_CHUNK = 20;

export function createReplayActivities(deps: ReplayActivityDeps) {
  const heartbeatIntervalMs = deps.heartbeatIntervalMs ?? 2_000;

  async function resolveReadable(source: string): Promise<string> {
    try {
      const file = resolveReplaySource(source, deps.dataDir, deps.sampleFile);
      await access(file);
      return file;
    } catch (err) {
      const message = err instanceof ReplaySourceError ? err.message : `replay source ${JSON.stringify(source)} cannot be read: ${(err as Error).message}`;
      throw ApplicationFailure.nonRetryable(message, REPLAY_SOURCE_FAILURE);
    }
  }

  return {
    /** One pass over the source for percent done and ETA; also rejects a bad source before the replay starts. */
    async describeReplaySource(source: string): Promise<SourceSummary> {
      const file = await resolveReadable(source);
      try {
        return await summarizeSource(file, (line) => Context.current().heartbeat({ line }));
      } catch (err) {
        throw ApplicationFailure.nonRetryable(`replay source ${JSON.stringify(source)} is unreadable: ${(err as Error).message}`, REPLAY_SOURCE_FAILURE);
      }
    },

    async replayChunk(input: ReplayChunkInput): Promise<ReplayChunkResult> {
      const ctx = Context.current();
      const file = await resolveReadable(input.source);
      const resumed = ctx.info.heartbeatDetails as ReplayProgressTick | undefined;
      const from = resumed?.checkpoint ?? input.from ?? EMPTY_CHECKPOINT;
      let latest: ReplayProgressTick = { checkpoint: from, anchor: resumed?.anchor ?? input.anchor, eventsPerSecond: 0 };
      const malformed: MalformedLine[] = [];
      const beat = setInterval(() => ctx.heartbeat(latest), heartbeatIntervalMs);
      try {
        ctx.heartbeat(latest);
        const result = await runReplay({
          file,
          sink: input.aggregate === true ? kplAggregatingSink(deps.kinesis, input.streamName) : kinesisSink(deps.kinesis, input.streamName),
          speedup: input.speedup,
          from,
          anchor: latest.anchor,
          deadlineMs: Date.now() + input.maxChunkMs,
          signal: ctx.cancellationSignal,
          maxBatchDelayMs: deps.maxBatchDelayMs,
          onProgress: (tick) => {
            latest = tick;
          },
          onMalformed: (m) => {
            if (malformed.length < MALFORMED_REPORTED_PER_CHUNK) malformed.push(m);
          },
        });
        ctx.heartbeat(result);
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('replay chunk cancelled');
        return { ...result, malformed, resumedFromHeartbeat: resumed !== undefined };
      } finally {
        clearInterval(beat);
      }
    },
  };
}

export type ReplayActivities = ReturnType<typeof createReplayActivities>;
