/**
 * The replay extension of the pipeline workflow: the start/control updates and the
 * progress query, and the replay child workflow `replay-<id>` they drive. The child is
 * started with ParentClosePolicy ABANDON so it keeps replaying while the pipeline
 * continues-as-new; the next run finds it again by its workflow id. Teardown stops it
 * explicitly (`stop()`), and waits for its final report.
 *
 * One child at a time holds the id `replay-<id>`. A child sends its final report and only
 * then closes, so a replay requested after (or while) the previous one ends is started
 * once Temporal reports the previous child closed, not as soon as its final report is in:
 * started in between, it would find the id still taken.
 */
import {
  ApplicationFailure, ParentClosePolicy, WorkflowIdReusePolicy, condition, getExternalWorkflowHandle, setHandler,
  startChild, type ChildWorkflowHandle,
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
  /** A child is being started or replaying: its final report has not come yet. */
  childActive: boolean;
  progress: ReplayProgress | null;
  malformedRecorded: number;
  /** A stop was sent to (or queued for) the active child; the reports of its last chunk must not show it running again. */
  stopping?: boolean;
  /** Children this pipeline started or followed. Once above 0, a `replay-<id>` found running when no child is active is our previous one, closing. */
  childrenStarted?: number;
}

const MALFORMED_EVENTS_MAX = 20;
/**
 * A child whose final report came in an earlier run of the pipeline (before continue-as-new) cannot be
 * watched closing from this run; if its id is still taken, starting the next one is retried this often.
 */
const START_RETRY_MS = 1_000;
const START_ATTEMPTS = 60;
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
    // Carried from a run before the count existed: a child is ours if one is active or has reported.
    state.childrenStarted ??= state.childActive || (state.progress?.startedAt ?? null) !== null ? 1 : 0;
    const publish = (progress: ReplayProgress | null): void => {
      state.progress = progress;
      ctx.status.replay = progress;
    };
    publish(state.progress);
    const childId = replayWorkflowId(ctx.spec.id);
    // Commands that arrive while the child is being started are forwarded once it exists.
    const starting: { commands: ReplayControlRequest[] | null } = { commands: null };
    // True from the start of a child by this run until Temporal reports it closed: its workflow id is taken until then.
    let childOpen = false;
    const isActive = (): boolean => state.progress !== null && ACTIVE.includes(state.progress.state);

    setHandler(replayProgressQuery, () => state.progress);

    const onReport = (report: ReplayReport): void => {
      // The child's close was seen before its final report (or stood in for a missing one): nothing is left to tell.
      if (report.final && !state.childActive) return;
      // While a new replay waits for a stopping one to end, the old child's reports must not mask it; a child told
      // to stop still reports the chunk it was in, which must not turn the stopped replay back into a running one.
      if (state.pendingStart === null) {
        publish(state.stopping === true && !report.final ? { ...report.progress, state: 'stopped' } : report.progress);
      }
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
    };
    setHandler(replayReportSignal, onReport);

    /** Follows a child this run started until it closes; if it closed without its final report, its close is one. */
    const watchClose = (child: ChildWorkflowHandle<typeof replayWorkflow>): void => {
      childOpen = true;
      const closed = (progress: ReplayProgress | null, error: string | null): void => {
        childOpen = false;
        if (!state.childActive) return;
        const last = progress ?? { ...state.progress!, state: 'failed' as const, error, updatedAt: ctx.nowIso() };
        onReport({ progress: last, malformed: [], final: true });
      };
      child.result().then(
        (progress) => closed(progress, null),
        (err: unknown) => closed(null, `replay child ${childId} ended without a report: ${failureMessage(err)}`),
      );
    };

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
          if (req.action === 'stop') state.stopping = true;
          starting.commands.push(req);
        } else if (state.childActive) {
          if (req.action === 'stop') state.stopping = true;
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
          // A new replay waits for the previous child to close, not just to report its end: they share the workflow id.
          await condition(() => (state.pendingStart !== null && !state.childActive && !childOpen) || ctx.teardownRequested() || ctx.continueAsNewSuggested());
          if (ctx.teardownRequested() || ctx.continueAsNewSuggested()) return;
          starting.commands = [];
          try {
            const child = await startReplayChild(ctx, state, timing);
            if (child) watchClose(child);
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
        state.stopping = true;
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

/**
 * Starts the child for the pending request; resolves with its handle, or null when no child of this request runs
 * (it could not start, or an unknown child already held the id and is followed instead).
 */
async function startReplayChild(
  ctx: PipelineContext, state: ReplayExtensionState, timing: ReplayTiming,
): Promise<ChildWorkflowHandle<typeof replayWorkflow> | null> {
  const request = state.pendingStart!;
  state.pendingStart = null;
  const childId = replayWorkflowId(ctx.spec.id);
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
  state.stopping = false;
  const endUnstarted = (ended: 'failed' | 'stopped', error: string | null): null => {
    state.childActive = false;
    state.progress = { ...(state.progress ?? pendingProgress(request, ctx.nowIso())), state: ended, error, updatedAt: ctx.nowIso() };
    ctx.status.replay = state.progress;
    return null;
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const child = await startChild(replayWorkflow, {
        workflowId: childId,
        args: [input],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        staticSummary: `Replay ${request.source} into ${input.streamName} at speedup ${request.speedup}`,
      });
      state.childrenStarted = (state.childrenStarted ?? 0) + 1;
      ctx.record({ kind: 'replay', message: `Replay child ${childId} started: ${request.source} at speedup ${request.speedup}` });
      return child;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        const message = err instanceof Error ? err.message : String(err);
        ctx.record({ kind: 'error', message: `Replay child could not start: ${message}` });
        return endUnstarted('failed', message);
      }
      if ((state.childrenStarted ?? 0) === 0) {
        // Not one of ours that has ended (e.g. left running by an earlier pipeline of the same id): its reports come here.
        state.childrenStarted = 1;
        ctx.record({ kind: 'replay', message: `Replay child ${childId} is already running; following it` });
        return null;
      }
      // Our previous child has sent its final report and is closing, seen from a run that cannot watch it close
      // (it was started before the pipeline continued-as-new): its id is free as soon as it has.
      if (attempt >= START_ATTEMPTS) {
        const message = `the previous replay child ${childId} has not closed`;
        ctx.record({ kind: 'error', message: `Replay child could not start: ${message}` });
        return endUnstarted('failed', message);
      }
      if (await condition(() => ctx.teardownRequested(), START_RETRY_MS)) return endUnstarted('stopped', null);
    }
  }
}

function failureMessage(err: unknown): string {
  if (err instanceof Error && err.cause instanceof Error) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** The installer the pipeline workflow registers, with production timing. */
export const installReplay: ExtensionInstaller = createReplayInstaller();
