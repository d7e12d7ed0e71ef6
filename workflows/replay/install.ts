/**
 * The replay extension of the pipeline workflow: the start/control updates and the
 * progress query, and the replay child workflow `replay-<id>` they drive. The child is
 * started with ParentClosePolicy ABANDON so it keeps replaying while the pipeline
 * continues-as-new; the next run finds it again by its workflow id. Teardown stops it
 * explicitly (`stop()`), and waits for its final report.
 */
import {
  ApplicationFailure, ParentClosePolicy, WorkflowIdReusePolicy, condition, getExternalWorkflowHandle, setHandler,
  startChild,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ReplayProgress } from '../../model/status.js';
import type { Speedup } from '../../activities/replay/types.js';
import {
  replayControlUpdate, replayProgressQuery, startReplayUpdate, pipelineWorkflowId,
  type ReplayControlRequest, type ReplayStartRequest,
} from '../messages.js';
import type { ExtensionInstaller, PipelineContext } from '../extension.js';
import {
  DEFAULT_REPLAY_TIMING, replayCommandSignal, replayReportSignal, replayWorkflowId,
  type ReplayReport, type ReplayRunState, type ReplayTiming,
} from './messages.js';
import { isValidSpeedup } from './progress.js';
import { replayWorkflow } from './workflow.js';

interface ReplayRequest {
  source: string;
  speedup: Speedup;
  paused: boolean;
}

/** Plain JSON carried through the pipeline's continue-as-new. */
export interface ReplayExtensionState {
  pendingStart: ReplayRequest | null;
  childActive: boolean;
  progress: ReplayProgress | null;
  malformedRecorded: number;
}

const MALFORMED_EVENTS_MAX = 20;
const ACTIVE: ReadonlyArray<ReplayProgress['state']> = ['pending', 'running', 'paused'];
const CLOSED_PHASES = ['TEARING_DOWN', 'DELETED', 'FAILED'];

function isReplayState(value: unknown): value is ReplayExtensionState {
  return typeof value === 'object' && value !== null && 'childActive' in value && 'pendingStart' in value;
}

function pendingProgress(req: ReplayRequest, nowIso: string): ReplayProgress {
  return {
    state: req.paused ? 'paused' : 'pending', source: req.source, speedup: req.speedup,
    eventsSent: 0, eventsTotal: null, eventsPerSecond: 0, lagSeconds: 0, throttledRetries: 0, malformedLines: 0,
    percent: null, etaSeconds: null, startedAt: null, updatedAt: nowIso, error: null,
  };
}

function rejected(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, 'ReplayRequestRejected');
}

export function createReplayInstaller(timingOverrides: Partial<ReplayTiming> = {}): ExtensionInstaller {
  const timing: ReplayTiming = { ...DEFAULT_REPLAY_TIMING, ...timingOverrides };
  return (ctx, carried) => {
    const state: ReplayExtensionState = isReplayState(carried)
      ? carried
      : {
          pendingStart: ctx.spec.replay
            ? { source: ctx.spec.replay.source, speedup: ctx.spec.replay.speedup, paused: ctx.spec.replay.startPaused }
            : null,
          childActive: false,
          progress: null,
          malformedRecorded: 0,
        };
    if (state.pendingStart && state.progress === null) state.progress = pendingProgress(state.pendingStart, ctx.nowIso());
    const publish = (progress: ReplayProgress | null): void => {
      state.progress = progress;
      ctx.status.replay = progress;
    };
    publish(state.progress);
    const childId = replayWorkflowId(ctx.spec.id);
    // Commands that arrive while the child is being started are forwarded once it exists.
    const starting: { commands: ReplayControlRequest[] | null } = { commands: null };
    const isActive = (): boolean => state.progress !== null && ACTIVE.includes(state.progress.state);

    setHandler(replayProgressQuery, () => state.progress);

    setHandler(replayReportSignal, (report: ReplayReport) => {
      // While a new replay waits for a stopping one to end, the old child's reports must not mask it.
      if (state.pendingStart === null) publish(report.progress);
      for (const m of report.malformed) {
        if (state.malformedRecorded >= MALFORMED_EVENTS_MAX) break;
        state.malformedRecorded++;
        ctx.record({ kind: 'replay', message: `Malformed line ${m.line} in ${report.progress.source}: ${m.reason}`, data: { line: m.line } });
      }
      if (report.final) {
        state.childActive = false;
        const p = report.progress;
        ctx.record({
          kind: 'replay',
          message: `Replay ${p.state}: ${p.eventsSent} events sent, ${p.malformedLines} malformed lines, ${p.throttledRetries} throttled retries${p.error ? ` (${p.error})` : ''}`,
          data: { eventsSent: p.eventsSent, state: p.state },
        });
      }
    });

    setHandler(
      startReplayUpdate,
      (req: ReplayStartRequest): ReplayProgress => {
        if (isActive()) throw rejected(`a replay is already ${state.progress!.state}; stop it first`);
        const request: ReplayRequest = {
          source: req.source ?? ctx.spec.replay?.source ?? 'sample',
          speedup: req.speedup ?? ctx.spec.replay?.speedup ?? 1800,
          paused: req.startPaused ?? false,
        };
        state.pendingStart = request;
        state.malformedRecorded = 0;
        publish(pendingProgress(request, ctx.nowIso()));
        ctx.record({ kind: 'replay', message: `Replay of ${request.source} requested at speedup ${request.speedup}` });
        return state.progress!;
      },
      {
        validator: (req: ReplayStartRequest) => {
          if (CLOSED_PHASES.includes(ctx.status.phase)) throw rejected(`the pipeline is ${ctx.status.phase}`);
          if (isActive()) throw rejected(`a replay is already ${state.progress!.state}; stop it first`);
          if (req.speedup !== undefined && !isValidSpeedup(req.speedup)) throw rejected('speedup must be a number above 0 and at most 1000000, or "max"');
          if (req.source !== undefined && (typeof req.source !== 'string' || req.source.length === 0 || req.source.length > 1024)) {
            throw rejected('source must be "sample" or a path of 1 to 1024 characters under the data folder');
          }
        },
      },
    );

    setHandler(
      replayControlUpdate,
      async (req: ReplayControlRequest): Promise<ReplayProgress> => {
        const progress = state.progress!;
        const next: ReplayProgress = { ...progress, updatedAt: ctx.nowIso() };
        if (req.action === 'pause') next.state = 'paused';
        if (req.action === 'resume') next.state = state.pendingStart === null ? 'running' : 'pending';
        if (req.action === 'stop') next.state = 'stopped';
        if (req.action === 'speedup') next.speedup = req.speedup!;
        if (state.pendingStart) {
          if (req.action === 'stop') state.pendingStart = null;
          else if (req.action === 'speedup') state.pendingStart.speedup = req.speedup!;
          else state.pendingStart.paused = req.action === 'pause';
        } else if (state.childActive && starting.commands !== null) {
          starting.commands.push(req);
        } else if (state.childActive) {
          try {
            await getExternalWorkflowHandle(childId).signal(replayCommandSignal, req);
          } catch {
            // The child ended in the meantime; its final report has set the state.
            return state.progress!;
          }
        }
        ctx.record({ kind: 'replay', message: `Replay ${req.action}${req.action === 'speedup' ? ` to ${req.speedup}` : ''} requested` });
        publish(next);
        return next;
      },
      {
        validator: (req: ReplayControlRequest) => {
          if (!['pause', 'resume', 'stop', 'speedup'].includes(req.action)) throw rejected('action must be pause, resume, stop or speedup');
          if (!isActive()) throw rejected(state.progress ? `the replay is ${state.progress.state}` : 'no replay has been started');
          if (req.action === 'speedup' && !isValidSpeedup(req.speedup)) {
            throw rejected('speedup must be a number above 0 and at most 1000000, or "max"');
          }
        },
      },
    );

    return {
      async run() {
        for (;;) {
          // A new replay waits for a stopping one to end: they share the child's workflow id.
          await condition(() => (state.pendingStart !== null && !state.childActive) || ctx.teardownRequested() || ctx.continueAsNewSuggested());
          if (ctx.teardownRequested() || ctx.continueAsNewSuggested()) return;
          starting.commands = [];
          try {
            await startReplayChild(ctx, state, timing);
          } finally {
            const queued = starting.commands;
            starting.commands = null;
            for (const cmd of state.childActive ? queued : []) {
              try {
                await getExternalWorkflowHandle(childId).signal(replayCommandSignal, cmd);
              } catch {
                break; // The child already ended; its final report tells the outcome.
              }
            }
          }
        }
      },
      snapshot: () => state,
      async stop() {
        state.pendingStart = null;
        if (!state.childActive) return;
        try {
          await getExternalWorkflowHandle(childId).signal(replayCommandSignal, { action: 'stop' });
        } catch {
          state.childActive = false;
          return;
        }
        const ended = await condition(() => !state.childActive, timing.maxChunkMs * 3 + 30_000);
        if (!ended) ctx.record({ kind: 'replay', message: `Replay child ${childId} did not confirm its stop; it stops at its next chunk` });
      },
    };
  };
}

async function startReplayChild(ctx: PipelineContext, state: ReplayExtensionState, timing: ReplayTiming): Promise<void> {
  const request = state.pendingStart!;
  state.pendingStart = null;
  const input: ReplayRunState = {
    pipelineId: ctx.spec.id,
    parentWorkflowId: pipelineWorkflowId(ctx.spec.id),
    streamName: ctx.status.resources.streamName,
    source: request.source,
    speedup: request.speedup,
    paused: request.paused,
    stopRequested: false,
    timing,
    summary: null,
    checkpoint: null,
    anchor: null,
    eventsPerSecond: 0,
    startedAt: null,
    resumedFromHeartbeat: 0,
  };
  state.childActive = true;
  try {
    await startChild(replayWorkflow, {
      workflowId: replayWorkflowId(ctx.spec.id),
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      staticSummary: `Replay ${request.source} into ${input.streamName} at speedup ${request.speedup}`,
    });
    ctx.record({ kind: 'replay', message: `Replay child ${replayWorkflowId(ctx.spec.id)} started: ${request.source} at speedup ${request.speedup}` });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      ctx.record({ kind: 'replay', message: `Replay child ${replayWorkflowId(ctx.spec.id)} is already running; following it` });
      return;
    }
    state.childActive = false;
    const message = err instanceof Error ? err.message : String(err);
    state.progress = { ...(state.progress ?? pendingProgress(request, ctx.nowIso())), state: 'failed', error: message, updatedAt: ctx.nowIso() };
    ctx.status.replay = state.progress;
    ctx.record({ kind: 'error', message: `Replay child could not start: ${message}` });
  }
}

/** The installer the pipeline workflow registers, with production timing. */
export const installReplay: ExtensionInstaller = createReplayInstaller();
