/**
 * The replay child workflow: describes the source once, then runs the replay activity
 * chunk after chunk. Between chunks it applies the commands it received (pause,
 * resume, stop, speedup), so a command takes effect within one chunk and nothing is
 * ever sent twice because of a command. Progress goes to the parent by signal.
 */
import {
  ActivityFailure, ApplicationFailure, condition, continueAsNew, getExternalWorkflowHandle, proxyActivities,
  setHandler, workflowInfo,
} from '@temporalio/workflow';
import type { ReplayActivities, ReplayChunkResult } from '../../activities/replay/index.js';
import type { ReplayState } from '../../model/status.js';
import type { ReplayControlRequest } from '../contract.js';
import {
  replayChildProgressQuery, replayCommandSignal, replayProbeSignal, replayReportSignal, replayStateQuery,
  type ReplayReport, type ReplayRunState,
} from './messages.js';
import { progressOf } from './progress.js';
import { roleBound, useAwsRole } from '../aws-role.js';
import type { MalformedLine } from '../../activities/replay/types.js';

function activitiesFor(state: ReplayRunState) {
  const { maxChunkMs, heartbeatTimeoutMs } = state.timing;
  const describe = proxyActivities<ReplayActivities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '2 minutes',
    retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5 },
  });
  const chunk = proxyActivities<ReplayActivities>({
    // The chunk ends by itself after maxChunkMs; the margin covers its last batch under throttling.
    startToCloseTimeout: maxChunkMs + 5 * 60_000,
    heartbeatTimeout: heartbeatTimeoutMs,
    // Back-pressure and outages are retried for as long as they last; a bad source or a missing stream is not.
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
  });
  // The pipeline's IAM role (if any) travels with every call (workflows/aws-role.ts).
  useAwsRole(state.roleArn);
  return { describeReplaySource: roleBound(describe).describeReplaySource, replayChunk: roleBound(chunk).replayChunk };
}

function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

export async function replayWorkflow(input: ReplayRunState): Promise<ReplayReport['progress']> {
  const state: ReplayRunState = { ...input };
  const acts = activitiesFor(state);
  const now = (): string => new Date().toISOString();
  let phase: ReplayState = state.stopRequested ? 'stopped' : state.paused ? 'paused' : 'running';
  let unreported: MalformedLine[] = [];
  let lastReportMs = 0;
  // Set when a command re-anchors the schedule while a chunk runs: the chunk's anchor is then stale.
  let reanchor = false;

  setHandler(replayStateQuery, () => state);
  setHandler(replayChildProgressQuery, () => progressOf(state, phase, now()));
  setHandler(replayProbeSignal, () => undefined);
  setHandler(replayCommandSignal, (cmd: ReplayControlRequest) => {
    switch (cmd.action) {
      case 'pause':
        state.paused = true;
        break;
      case 'resume':
        if (state.paused) {
          state.anchor = null;
          reanchor = true;
        }
        state.paused = false;
        break;
      case 'stop':
        state.stopRequested = true;
        break;
      case 'speedup':
        if (cmd.speedup !== undefined && cmd.speedup !== state.speedup) {
          state.speedup = cmd.speedup;
          state.anchor = null;
          reanchor = true;
        }
        break;
    }
  });

  const report = async (final: boolean, error: string | null = null, force = final): Promise<void> => {
    const nowMs = Date.parse(now());
    if (!force && nowMs - lastReportMs < state.timing.progressIntervalMs) return;
    lastReportMs = nowMs;
    const payload: ReplayReport = { progress: progressOf(state, phase, now(), error), malformed: unreported, final };
    unreported = [];
    try {
      await getExternalWorkflowHandle(state.parentWorkflowId).signal(replayReportSignal, payload);
    } catch {
      // The parent may be gone (torn down) or not exist (the CLI-less test host); progress stays queryable here.
    }
  };

  const end = async (ended: ReplayState, error: string | null = null): Promise<ReplayReport['progress']> => {
    phase = ended;
    await report(true, error);
    return progressOf(state, phase, now(), error);
  };

  state.startedAt ??= now();
  if (state.summary === null) {
    try {
      state.summary = await acts.describeReplaySource(state.source);
    } catch (err) {
      return end('failed', failureMessage(err));
    }
  }

  for (;;) {
    if (state.stopRequested) return end('stopped');
    if (state.paused) {
      phase = 'paused';
      await report(false, null, true);
      await condition(() => !state.paused || state.stopRequested || workflowInfo().continueAsNewSuggested);
      if (state.paused && !state.stopRequested) await continueAsNew<typeof replayWorkflow>(state);
      continue;
    }
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof replayWorkflow>(state);
    phase = 'running';
    // This chunk starts from the current anchor (null after a command); only a command during it makes its anchor stale.
    reanchor = false;
    let result: ReplayChunkResult;
    try {
      result = await acts.replayChunk({
        source: state.source,
        streamName: state.streamName,
        speedup: state.speedup,
        from: state.checkpoint,
        anchor: state.anchor,
        maxChunkMs: state.timing.maxChunkMs,
        ...(state.aggregate === true ? { aggregate: true } : {}),
      });
    } catch (err) {
      if (err instanceof ApplicationFailure || err instanceof ActivityFailure) return end('failed', failureMessage(err));
      throw err;
    }
    state.checkpoint = result.checkpoint;
    state.anchor = reanchor ? null : result.anchor;
    state.eventsPerSecond = result.eventsPerSecond;
    if (result.resumedFromHeartbeat) state.resumedFromHeartbeat++;
    unreported.push(...result.malformed);
    if (result.finished) return end('completed');
    await report(false);
  }
}

