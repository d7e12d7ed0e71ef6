/**
 * The pipeline workflow (one per pipeline, id `pipeline-<id>`): provision → RUNNING →
 * teardown, continuing-as-new on the way. While RUNNING, two controllers do the work:
 * the replay (./replay/controller.ts) and the scaling loop (./scaling/controller.ts).
 * The public contract (messages, search attributes, summaries) is ./contract.ts; the
 * carried state and its migrations are ./lifecycle/carried.ts.
 */
import {
  CancellationScope, allHandlersFinished, condition, makeContinueAsNewFunc, patched, setCurrentDetails, setHandler,
  upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { PipelinePhase, PipelineStatus } from '../model/status.js';
import {
  applicationNameKey, eventsQuery, pipelineIdKey, pipelinePhaseKey, statusQuery, streamNameKey, teardownSignal,
  type PipelineWorkflowInput, type PipelineWorkflowResult, type TeardownRequest,
} from './contract.js';
import { carriedState, readCarried } from './lifecycle/carried.js';
import type { PipelineContext } from './lifecycle/context.js';
import { controllerFailed } from './lifecycle/failures.js';
import { PATCHES } from './lifecycle/patches.js';
import { provision } from './lifecycle/provision.js';
import { StatusPublisher } from './lifecycle/publish.js';
import { PipelineState } from './lifecycle/state.js';
import { pipelineCurrentDetails } from './lifecycle/summary.js';
import { tearDown } from './lifecycle/teardown.js';
import { ReplayController } from './replay/controller.js';
import { ScalingController } from './scaling/controller.js';
import { longestActionSeconds } from './scaling/saga.js';
import { useAwsRole } from './aws-role.js';

export type { PipelineWorkflowInput, PipelineWorkflowResult } from './contract.js';

/** How long teardown waited for the controllers before PATCHES.stopBound (runs recorded earlier keep it). */
const STOP_GRACE = '5 minutes';
/** Once here, only teardown moves the phase: a controller finishing late must not make a deleted pipeline look RUNNING. */
const ENDING_PHASES: readonly PipelinePhase[] = ['TEARING_DOWN', 'DELETED', 'FAILED'];

function publishPhase(status: PipelineStatus): void {
  upsertSearchAttributes([{ key: pipelinePhaseKey, value: status.phase }]);
  setCurrentDetails(pipelineCurrentDetails(status));
}

export async function pipelineWorkflow(input: PipelineWorkflowInput): Promise<PipelineWorkflowResult> {
  const publisher = new StatusPublisher();
  try {
    if (!patched(PATCHES.cancelIsTeardown)) return await runPipeline(input, null, publisher);
    // Cancellation (Temporal UI "Request Cancellation", or a client) becomes a teardown request: the
    // body runs non-cancellable, so a scaling action is never cut off half-applied by it.
    const root = CancellationScope.current();
    return await CancellationScope.nonCancellable(() => runPipeline(input, root.cancelRequested, publisher));
  } finally {
    publisher.publishIfChanged();
  }
}

async function runPipeline(
  input: PipelineWorkflowInput, cancelRequested: Promise<never> | null, publisher: StatusPublisher,
): Promise<PipelineWorkflowResult> {
  const { spec } = input;
  // The pipeline's IAM role (if any) for every activity this run schedules (workflows/aws-role.ts).
  useAwsRole(spec.roleArn);
  const carried = input.carried === undefined ? undefined : readCarried(input.carried);
  let teardown: TeardownRequest | null = null;
  const state = new PipelineState(spec, carried?.pipeline ?? undefined, { nowIso: () => new Date().toISOString(), phaseChanged: publishPhase });
  publisher.watch(state.status);

  setHandler(statusQuery, () => state.status);
  setHandler(eventsQuery, () => state.events);
  setHandler(teardownSignal, (request) => {
    if (teardown !== null) return;
    teardown = request;
    state.record({ kind: 'teardown', message: `Teardown requested${request.reason ? `: ${request.reason}` : ''}` });
  });
  cancelRequested?.catch(() => {
    if (teardown !== null) return;
    teardown = { reason: 'cancellation requested (Temporal UI or client): tearing down in order' };
    state.record({ kind: 'teardown', message: `Teardown requested: ${teardown.reason}` });
  });

  const continueAsNewSuggested = (): boolean => {
    const info = workflowInfo();
    const limit = input.continueAsNewAfterHistoryEvents;
    return info.continueAsNewSuggested || (limit !== undefined && info.historyLength > limit);
  };
  const ctx: PipelineContext = {
    spec,
    status: state.status,
    setPhase: (phase, why) => {
      if (ENDING_PHASES.includes(state.phase)) {
        state.record({ kind: 'phase', message: `Stayed ${state.phase} (a controller asked for ${phase}: ${why})` });
        return;
      }
      state.setPhase(phase, why);
    },
    record: (event) => state.record(event),
    teardownRequested: () => teardown !== null,
    continueAsNewSuggested,
    nowIso: () => new Date().toISOString(),
  };
  // Built in this order on every run (replay first): their handlers exist from the first workflow task.
  const replay = new ReplayController(ctx, carried?.replay ?? undefined);
  const scaling = new ScalingController(ctx, carried?.scaling ?? undefined);

  if (carried === undefined) {
    upsertSearchAttributes([
      { key: pipelineIdKey, value: spec.id },
      { key: streamNameKey, value: spec.stream.name },
      { key: applicationNameKey, value: spec.application.name },
      { key: pipelinePhaseKey, value: state.phase },
    ]);
    state.record({ kind: 'phase', message: `Provisioning pipeline ${spec.id}` });
    setCurrentDetails(pipelineCurrentDetails(state.status));
    await provision(state, ctx.teardownRequested);
  } else {
    state.record({ kind: 'phase', message: `Continued as new (run ${state.status.continuedAsNewCount + 1}) in phase ${state.phase}` });
    setCurrentDetails(pipelineCurrentDetails(state.status));
    if (carried.problems.length > 0) {
      // Loud, never a silent reset: the scaling controller holds until a person resumes it.
      const why = `the carried state could not be read: ${carried.problems.join('; ')}`;
      scaling.hold(why);
      state.recordError('read carried state', carried.problems.join('; '));
      state.setPhase('DEGRADED', why);
    }
  }

  let running = 0;
  // A controller that throws leaves the pipeline DEGRADED (the rest keeps running); once a person
  // resumes autoscaling (phase back to RUNNING), it runs again.
  const recovered = async (): Promise<boolean> => {
    await condition(() => state.phase !== 'DEGRADED' || teardown !== null || continueAsNewSuggested());
    return teardown === null && state.phase !== 'DEGRADED' && patched(PATCHES.degradedRecovers);
  };
  const supervise = (name: string, run: () => Promise<void>): void => {
    running += 1;
    const attempt = (): Promise<void> => run().catch(async (err: unknown) => {
      controllerFailed(state, name, 'run', err);
      if (state.phase === 'DEGRADED' && (await recovered())) await attempt();
    });
    void attempt().finally(() => {
      running -= 1;
    });
  };
  let started = false;
  if (teardown === null) {
    started = true;
    supervise('replay', () => replay.run());
    supervise('scaling', () => scaling.run());
    await condition(() => teardown !== null || (running === 0 && continueAsNewSuggested()));
    // Updates still being handled would be lost with this run; let them answer first.
    await condition(allHandlersFinished);
    if (teardown === null) {
      // Explicit, so filters (search attributes) and the starter's notes (memo, e.g. the
      // API's spec hash, and the published status) hold for every run of the chain.
      publisher.publishIfChanged();
      const info = workflowInfo();
      const next = makeContinueAsNewFunc<typeof pipelineWorkflow>({ typedSearchAttributes: info.typedSearchAttributes, memo: info.memo });
      return await next({
        spec,
        carried: carriedState(state.toCarried(), scaling.snapshot(), replay.snapshot()),
        continueAsNewAfterHistoryEvents: input.continueAsNewAfterHistoryEvents,
      });
    }
  }

  const request: TeardownRequest = teardown;
  await Promise.all([
    replay.stop().catch((err: unknown) => controllerFailed(state, 'replay', 'stop', err)),
    scaling.stop().catch((err: unknown) => controllerFailed(state, 'scaling', 'stop', err)),
  ]);
  if (started) {
    // Long enough for the longest scaling action to finish or roll back; then it is cancelled (its
    // call in flight answered first), so nothing changes capacity once the application is being stopped.
    const bounded = patched(PATCHES.stopBound);
    const boundSeconds = longestActionSeconds(spec.scaling);
    if (!(await condition(() => running === 0, bounded ? boundSeconds * 1000 : STOP_GRACE))) {
      if (bounded) {
        state.record({ kind: 'error', message: `The scaling action still runs after ${boundSeconds} s (its longest bound); cancelling it` });
        scaling.abort();
        await condition(() => running === 0);
      } else {
        state.record({ kind: 'error', message: `Controllers still busy after ${STOP_GRACE}; tearing down anyway` });
      }
    }
  }
  await tearDown(state, request.reason ?? 'teardown requested');
  await condition(allHandlersFinished);
  return {
    id: spec.id,
    phase: state.phase,
    resources: state.status.resources,
    continuedAsNewCount: state.status.continuedAsNewCount,
  };
}

