/**
 * The pipeline workflow (one per pipeline, id `pipeline-<id>`): provision → RUNNING →
 * teardown, continuing-as-new on the way. While RUNNING, two controllers do the work:
 * the replay (./replay/controller.ts) and the scaling loop (./scaling/controller.ts).
 * The public contract (messages, search attributes, summaries) is ./contract.ts; the
 * carried state and its migrations are ./lifecycle/carried.ts.
 */
import {
  allHandlersFinished, condition, makeContinueAsNewFunc, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { PipelineStatus } from '../model/status.js';
import {
  applicationNameKey, eventsQuery, pipelineIdKey, pipelinePhaseKey, statusQuery, streamNameKey, teardownSignal,
  type PipelineWorkflowInput, type PipelineWorkflowResult, type TeardownRequest,
} from './contract.js';
import { carriedState, readCarried } from './lifecycle/carried.js';
import type { PipelineContext } from './lifecycle/context.js';
import { controllerFailed } from './lifecycle/failures.js';
import { provision } from './lifecycle/provision.js';
import { PipelineState } from './lifecycle/state.js';
import { pipelineCurrentDetails } from './lifecycle/summary.js';
import { tearDown } from './lifecycle/teardown.js';
import { ReplayController } from './replay/controller.js';
import { ScalingController } from './scaling/controller.js';

export type { PipelineWorkflowInput, PipelineWorkflowResult } from './contract.js';

/** How long teardown waits for the controllers to reach a safe point after `stop()`. */
const STOP_GRACE = '5 minutes';

function publishPhase(status: PipelineStatus): void {
  upsertSearchAttributes([{ key: pipelinePhaseKey, value: status.phase }]);
  setCurrentDetails(pipelineCurrentDetails(status));
}

export async function pipelineWorkflow(input: PipelineWorkflowInput): Promise<PipelineWorkflowResult> {
  const { spec } = input;
  const carried = input.carried === undefined ? undefined : readCarried(input.carried);
  let teardown: TeardownRequest | null = null;
  const state = new PipelineState(spec, carried?.pipeline ?? undefined, { nowIso: () => new Date().toISOString(), phaseChanged: publishPhase });

  setHandler(statusQuery, () => state.status);
  setHandler(eventsQuery, () => state.events);
  setHandler(teardownSignal, (request) => {
    if (teardown !== null) return;
    teardown = request;
    state.record({ kind: 'teardown', message: `Teardown requested${request.reason ? `: ${request.reason}` : ''}` });
  });

  const continueAsNewSuggested = (): boolean => {
    const info = workflowInfo();
    const limit = input.continueAsNewAfterHistoryEvents;
    return info.continueAsNewSuggested || (limit !== undefined && info.historyLength > limit);
  };
  const ctx: PipelineContext = {
    spec,
    status: state.status,
    setPhase: (phase, why) => state.setPhase(phase, why),
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
  const supervise = (name: string, run: () => Promise<void>): void => {
    running += 1;
    void run()
      .catch((err: unknown) => controllerFailed(state, name, 'run', err))
      .finally(() => {
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
      // API's spec hash) hold for every run of the chain.
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
  if (started && !(await condition(() => running === 0, STOP_GRACE))) {
    state.record({ kind: 'error', message: `Controllers still busy after ${STOP_GRACE}; tearing down anyway` });
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

