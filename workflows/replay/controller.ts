/**
 * The replay controller of the pipeline workflow: the start/control updates and the
 * progress query, and the replay child workflow `replay-<id>` they drive. The child is
 * started with ParentClosePolicy ABANDON so it keeps replaying while the pipeline
 * continues-as-new; the next run finds it again by its workflow id. Teardown stops it
 * explicitly (`stop()`), and waits for its final report.
 *
 * One child at a time holds the id `replay-<id>`. A child sends its final report and only
 * then closes, so a replay requested after (or while) the previous one ends is started
 * once Temporal reports the previous child closed, not as soon as its final report is in:
 * started in between, it would find the id still taken.
 *
 * The child's life, as this run sees it (`ChildState`):
 *   none ─start→ starting ─started→ running ─stop→ stopping
 *   running/stopping ─final report→ closing (this run started it: wait for Temporal's close) or none
 *   closing ─closed→ none
 */
import {
  ApplicationFailure, ParentClosePolicy, WorkflowIdReusePolicy, condition, getExternalWorkflowHandle, setHandler,
  startChild, type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ReplayProgress } from '../../model/status.js';
import {
  TEARDOWN_REQUESTED_MESSAGE, replayControlUpdate, replayProgressQuery, startReplayUpdate, pipelineWorkflowId,
  type ReplayControlRequest, type ReplayStartRequest,
} from '../contract.js';
import type { PipelineContext } from '../lifecycle/context.js';
import type { ReplayCarried, ReplayRequest } from './carried.js';
import {
  DEFAULT_REPLAY_TIMING, replayCommandSignal, replayReportSignal, replayWorkflowId,
  type ReplayReport, type ReplayRunState, type ReplayTiming,
} from './messages.js';
import { waitOrProbe, type InheritedChild } from './close-probe.js';
import { isValidSpeedup } from './progress.js';
import { replayWorkflow } from './workflow.js';

type ChildState =
  | { name: 'none' }
  /** startChild is in flight; control requests wait in `queued` and are sent once it has started. */
  | { name: 'starting'; queued: ReplayControlRequest[]; stopQueued: boolean }
  /** `watched`: this run started it, so Temporal tells this run when it closes. */
  | { name: 'running'; watched: boolean }
  | { name: 'stopping'; watched: boolean }
  /** Its final report is in; its workflow id stays taken until Temporal reports it closed. */
  | { name: 'closing' };

const MALFORMED_EVENTS_MAX = 20;
/**
 * A child whose final report came in an earlier run of the pipeline (before continue-as-new) cannot be
 * watched closing from this run; if its id is still taken, starting the next one is retried this often.
 */
const START_RETRY_MS = 1_000;
const START_ATTEMPTS = 60;
const ACTIVE: ReadonlyArray<ReplayProgress['state']> = ['pending', 'running', 'paused'];
const CLOSED_PHASES = ['TEARING_DOWN', 'DELETED', 'FAILED'];

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

function failureMessage(err: unknown): string {
  if (err instanceof Error && err.cause instanceof Error) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

export class ReplayController {
  private child: ChildState;
  private pending: ReplayRequest | null;
  private progress: ReplayProgress | null;
  private malformedRecorded: number;
  private childrenStarted: number;
  private readonly timing: ReplayTiming;
  private readonly childId: string;
  private readonly inherited: InheritedChild;

  /** `carried` is this controller's slice from the previous run (already migrated); absent on the first run. */
  constructor(private readonly ctx: PipelineContext, carried: ReplayCarried | undefined, timingOverrides: Partial<ReplayTiming> = {}) {
    this.timing = { ...DEFAULT_REPLAY_TIMING, ...timingOverrides };
    this.childId = replayWorkflowId(ctx.spec.id);
    this.inherited = {
      childId: this.childId,
      isActive: () => this.isInheritedChildActive(),
      closedUnreported: () => this.inheritedClosedUnreported(),
    };
    const spec = ctx.spec.replay;
    this.pending = carried ? carried.pending : spec ? { source: spec.source, speedup: spec.speedup, paused: spec.startPaused } : null;
    this.child = carried && carried.child !== 'none' ? { name: carried.child, watched: false } : { name: 'none' };
    this.progress = carried?.progress ?? null;
    this.malformedRecorded = carried?.malformedRecorded ?? 0;
    this.childrenStarted = carried?.childrenStarted ?? 0;
    if (this.pending && this.progress === null) this.progress = pendingProgress(this.pending, ctx.nowIso());
    this.publish(this.progress);

    setHandler(replayProgressQuery, () => this.progress);
    setHandler(replayReportSignal, (report) => this.onReport(report));
    setHandler(startReplayUpdate, (req) => this.start(req), { validator: (req) => this.validateStart(req) });
    setHandler(replayControlUpdate, (req) => this.control(req), { validator: (req) => this.validateControl(req) });
  }

  /** Plain JSON for continue-as-new. A child this run watched closing is just "none" to the next run. */
  snapshot(): ReplayCarried {
    const c = this.child;
    return {
      child: c.name === 'running' || c.name === 'stopping' ? c.name : 'none',
      pending: this.pending,
      progress: this.progress,
      malformedRecorded: this.malformedRecorded,
      childrenStarted: this.childrenStarted,
    };
  }

  /** Starts requested replays, one child at a time, until teardown or continue-as-new. */
  async run(): Promise<void> {
    for (;;) {
      // A new replay waits for the previous child to close, not just to report its end: they share the workflow id.
      const wake = (): boolean => (this.pending !== null && this.child.name === 'none') || this.ctx.teardownRequested() || this.ctx.continueAsNewSuggested();
      if (!(await waitOrProbe(wake, this.inherited, this.timing.closeProbeMs ?? DEFAULT_REPLAY_TIMING.closeProbeMs!))) continue;
      if (this.ctx.teardownRequested() || this.ctx.continueAsNewSuggested()) return;
      const starting: ChildState = { name: 'starting', queued: [], stopQueued: false };
      this.child = starting;
      let handle: ChildWorkflowHandle<typeof replayWorkflow> | null = null;
      let following = false;
      try {
        const started = await this.startChild();
        handle = started === 'following' ? null : started;
        following = started === 'following';
      } finally {
        this.afterStart(starting, handle, following);
        for (const cmd of this.isChildActive() ? starting.queued : []) {
          try {
            await getExternalWorkflowHandle(this.childId).signal(replayCommandSignal, cmd);
          } catch {
            break; // The child already ended; its final report tells the outcome.
          }
        }
      }
    }
  }

  /** Teardown started: no new replay, and the running one is told to stop; waits (bounded) for its final report. */
  async stop(): Promise<void> {
    this.pending = null;
    if (!this.isChildActive()) return;
    this.markStopping();
    try {
      await getExternalWorkflowHandle(this.childId).signal(replayCommandSignal, { action: 'stop' });
    } catch {
      this.child = { name: 'none' };
      return;
    }
    const ended = await condition(() => !this.isChildActive(), this.timing.maxChunkMs * 3 + 30_000);
    if (!ended) this.ctx.record({ kind: 'replay', message: `Replay child ${this.childId} did not confirm its stop; it stops at its next chunk` });
  }

  private isInheritedChildActive(): boolean {
    const c = this.child;
    return (c.name === 'running' || c.name === 'stopping') && !c.watched;
  }

  /** An inherited child closed without its final report (close-probe.ts): its end stands in for one. */
  private inheritedClosedUnreported(): void {
    const ended = this.isStopRequested() ? 'stopped' : 'failed';
    const error = ended === 'failed' ? `replay child ${this.childId} closed without a final report (terminated, cancelled or timed out)` : null;
    const base = this.progress ?? pendingProgress({ source: 'unknown', speedup: 1, paused: false }, this.ctx.nowIso());
    this.onReport({ progress: { ...base, state: ended, error, eventsPerSecond: 0, updatedAt: this.ctx.nowIso() }, malformed: [], final: true });
  }

  /** The child's final report has not come yet (it is starting, replaying or stopping). */
  private isChildActive(): boolean {
    return this.child.name === 'starting' || this.child.name === 'running' || this.child.name === 'stopping';
  }

  private isStopRequested(): boolean {
    return this.child.name === 'stopping' || (this.child.name === 'starting' && this.child.stopQueued);
  }

  private markStopping(): void {
    const c = this.child;
    if (c.name === 'starting') c.stopQueued = true;
    else if (c.name === 'running') this.child = { name: 'stopping', watched: c.watched };
  }

  private isReplayActive(): boolean {
    return this.progress !== null && ACTIVE.includes(this.progress.state);
  }

  private publish(progress: ReplayProgress | null): void {
    this.progress = progress;
    this.ctx.status.replay = progress;
  }

  private onReport(report: ReplayReport): void {
    // The child's close was seen before its final report (or stood in for a missing one): nothing is left to tell.
    if (report.final && !this.isChildActive()) return;
    // While a new replay waits for a stopping one to end, the old child's reports must not mask it; a child told
    // to stop still reports the chunk it was in, which must not turn the stopped replay back into a running one.
    if (this.pending === null) {
      this.publish(this.isStopRequested() && !report.final ? { ...report.progress, state: 'stopped' } : report.progress);
    }
    for (const m of report.malformed) {
      if (this.malformedRecorded >= MALFORMED_EVENTS_MAX) break;
      this.malformedRecorded++;
      this.ctx.record({ kind: 'replay', message: `Malformed line ${m.line} in ${report.progress.source}: ${m.reason}`, data: { line: m.line } });
    }
    if (report.final) {
      this.childEnded();
      const p = report.progress;
      this.ctx.record({
        kind: 'replay',
        message: `Replay ${p.state}: ${p.eventsSent} events sent, ${p.malformedLines} malformed lines, ${p.throttledRetries} throttled retries${p.error ? ` (${p.error})` : ''}`,
        data: { eventsSent: p.eventsSent, state: p.state },
      });
    }
  }

  /** The final report is in (or stands in): a child this run watches is closing; one it cannot watch is just gone. */
  private childEnded(): void {
    const c = this.child;
    const watched = (c.name === 'running' || c.name === 'stopping') && c.watched;
    // While starting, the run loop decides (afterStart) once startChild has answered.
    if (c.name === 'starting') c.queued = [];
    this.child = watched ? { name: 'closing' } : c.name === 'starting' ? { name: 'closing' } : { name: 'none' };
  }

  /** startChild has answered (or failed): move out of `starting`, and follow a child this run started until it closes. */
  private afterStart(starting: ChildState & { name: 'starting' }, handle: ChildWorkflowHandle<typeof replayWorkflow> | null, following: boolean): void {
    if (this.child === starting) {
      if (handle !== null || following) {
        this.child = starting.stopQueued ? { name: 'stopping', watched: handle !== null } : { name: 'running', watched: handle !== null };
      } else {
        this.child = { name: 'none' };
      }
    } else if (this.child.name === 'closing' && handle === null) {
      // Ended while starting, and not one this run can watch close.
      this.child = { name: 'none' };
    }
    if (handle !== null) {
      // Records flow from the child's first chunk on, but its first report comes only after that chunk:
      // the status says "running" from the start, not "pending" while the stream already fills.
      if (this.progress?.state === 'pending' && this.isChildActive() && !this.isStopRequested()) {
        this.publish({ ...this.progress, state: 'running', updatedAt: this.ctx.nowIso() });
      }
      this.watchClose(handle);
    }
  }

  /** Follows a child this run started until it closes; if it closed without its final report, its close is one. */
  private watchClose(child: ChildWorkflowHandle<typeof replayWorkflow>): void {
    const closed = (progress: ReplayProgress | null, error: string | null): void => {
      if (this.child.name === 'closing') {
        this.child = { name: 'none' };
        return;
      }
      if (!this.isChildActive()) return;
      const last = progress ?? { ...this.progress!, state: 'failed' as const, error, updatedAt: this.ctx.nowIso() };
      this.onReport({ progress: last, malformed: [], final: true });
      this.child = { name: 'none' };
    };
    child.result().then(
      (progress) => closed(progress, null),
      (err: unknown) => closed(null, `replay child ${this.childId} ended without a report: ${failureMessage(err)}`),
    );
  }

  private validateStart(req: ReplayStartRequest): void {
    if (CLOSED_PHASES.includes(this.ctx.status.phase)) throw rejected(`the pipeline is ${this.ctx.status.phase}`);
    if (this.ctx.teardownRequested()) throw rejected(TEARDOWN_REQUESTED_MESSAGE);
    if (this.isReplayActive()) throw rejected(`a replay is already ${this.progress!.state}; stop it first`);
    if (req.speedup !== undefined && !isValidSpeedup(req.speedup)) throw rejected('speedup must be a number above 0 and at most 1000000, or "max"');
    if (req.source !== undefined && (typeof req.source !== 'string' || req.source.length === 0 || req.source.length > 1024)) {
      throw rejected('source must be "sample" or a path of 1 to 1024 characters under the data folder');
    }
  }

  private start(req: ReplayStartRequest): ReplayProgress {
    if (this.isReplayActive()) throw rejected(`a replay is already ${this.progress!.state}; stop it first`);
    const spec = this.ctx.spec.replay;
    const request: ReplayRequest = {
      source: req.source ?? spec?.source ?? 'sample',
      speedup: req.speedup ?? spec?.speedup ?? 1800,
      paused: req.startPaused ?? false,
    };
    this.pending = request;
    this.malformedRecorded = 0;
    this.publish(pendingProgress(request, this.ctx.nowIso()));
    this.ctx.record({ kind: 'replay', message: `Replay of ${request.source} requested at speedup ${request.speedup}` });
    return this.progress!;
  }

  private validateControl(req: ReplayControlRequest): void {
    if (!['pause', 'resume', 'stop', 'speedup'].includes(req.action)) throw rejected('action must be pause, resume, stop or speedup');
    // Teardown stops the replay itself; a stop asked for meanwhile is harmless, anything else would not hold.
    if (req.action !== 'stop' && this.ctx.teardownRequested()) throw rejected(TEARDOWN_REQUESTED_MESSAGE);
    if (!this.isReplayActive()) throw rejected(this.progress ? `the replay is ${this.progress.state}` : 'no replay has been started');
    if (req.action === 'speedup' && !isValidSpeedup(req.speedup)) {
      throw rejected('speedup must be a number above 0 and at most 1000000, or "max"');
    }
  }

  private async control(req: ReplayControlRequest): Promise<ReplayProgress> {
    const progress = this.progress!;
    const next: ReplayProgress = { ...progress, updatedAt: this.ctx.nowIso() };
    if (req.action === 'pause') next.state = 'paused';
    if (req.action === 'resume') next.state = this.pending === null ? 'running' : 'pending';
    if (req.action === 'stop') next.state = 'stopped';
    if (req.action === 'speedup') next.speedup = req.speedup!;
    const c = this.child;
    if (this.pending) {
      if (req.action === 'stop') this.pending = null;
      else if (req.action === 'speedup') this.pending.speedup = req.speedup!;
      else this.pending.paused = req.action === 'pause';
    } else if (c.name === 'starting') {
      if (req.action === 'stop') c.stopQueued = true;
      c.queued.push(req);
    } else if (c.name === 'running' || c.name === 'stopping') {
      if (req.action === 'stop') this.markStopping();
      try {
        await getExternalWorkflowHandle(this.childId).signal(replayCommandSignal, req);
      } catch {
        // The child ended in the meantime; its final report has set the state.
        return this.progress!;
      }
    }
    this.ctx.record({ kind: 'replay', message: `Replay ${req.action}${req.action === 'speedup' ? ` to ${req.speedup}` : ''} requested` });
    this.publish(next);
    return next;
  }

  /**
   * Starts the child for the pending request: its handle; 'following' when an unknown child already held the id
   * (it is followed instead); null when no child of this request runs (it could not start).
   */
  private async startChild(): Promise<ChildWorkflowHandle<typeof replayWorkflow> | 'following' | null> {
    const { ctx } = this;
    const request = this.pending!;
    this.pending = null;
    const input: ReplayRunState = {
      pipelineId: ctx.spec.id,
      parentWorkflowId: pipelineWorkflowId(ctx.spec.id),
      streamName: ctx.status.resources.streamName,
      source: request.source,
      speedup: request.speedup,
      paused: request.paused,
      stopRequested: false,
      timing: this.timing,
      summary: null,
      checkpoint: null,
      anchor: null,
      eventsPerSecond: 0,
      startedAt: null,
      resumedFromHeartbeat: 0,
      // Only when set, so inputs of pipelines without it stay exactly as recorded.
      ...(ctx.spec.replay?.aggregate === true ? { aggregate: true } : {}),
      ...(ctx.spec.roleArn === undefined ? {} : { roleArn: ctx.spec.roleArn }),
    };
    const endUnstarted = (ended: 'failed' | 'stopped', error: string | null): null => {
      this.publish({ ...(this.progress ?? pendingProgress(request, ctx.nowIso())), state: ended, error, updatedAt: ctx.nowIso() });
      return null;
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const child = await startChild(replayWorkflow, {
          workflowId: this.childId,
          args: [input],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
          staticSummary: `Replay ${request.source} into ${input.streamName} at speedup ${request.speedup}`,
        });
        this.childrenStarted += 1;
        ctx.record({ kind: 'replay', message: `Replay child ${this.childId} started: ${request.source} at speedup ${request.speedup}` });
        return child;
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
          const message = err instanceof Error ? err.message : String(err);
          ctx.record({ kind: 'error', message: `Replay child could not start: ${message}` });
          return endUnstarted('failed', message);
        }
        if (this.childrenStarted === 0) {
          // Not one of ours that has ended (e.g. left running by an earlier pipeline of the same id): its reports come here.
          this.childrenStarted = 1;
          ctx.record({ kind: 'replay', message: `Replay child ${this.childId} is already running; following it` });
          return 'following';
        }
        // Our previous child has sent its final report and is closing, seen from a run that cannot watch it close
        // (it was started before the pipeline continued-as-new): its id is free as soon as it has.
        if (attempt >= START_ATTEMPTS) {
          const message = `the previous replay child ${this.childId} has not closed`;
          ctx.record({ kind: 'error', message: `Replay child could not start: ${message}` });
          return endUnstarted('failed', message);
        }
        if (await condition(() => ctx.teardownRequested(), START_RETRY_MS)) return endUnstarted('stopped', null);
      }
    }
  }
}
