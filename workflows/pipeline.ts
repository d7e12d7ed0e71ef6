/**
 * The pipeline workflow (one per pipeline, id `pipeline-<id>`): wiring only. The life
 * cycle's steps live in lifecycle/, the features that run inside RUNNING in the
 * extensions listed in extensions.ts.
 */
import {
  allHandlersFinished, condition, makeContinueAsNewFunc, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { PipelineSpec } from '../model/spec.js';
import type { PipelinePhase, PipelineResources, PipelineStatus } from '../model/status.js';
import type { PipelineContext } from './extension.js';
import { PIPELINE_EXTENSIONS } from './extensions.js';
import { ExtensionHost } from './lifecycle/extensions.js';
import { provision } from './lifecycle/provision.js';
import { applicationNameKey, pipelineIdKey, pipelinePhaseKey, streamNameKey } from './lifecycle/search-attributes.js';
import { PipelineState, type CarriedState } from './lifecycle/state.js';
import { pipelineCurrentDetails } from './lifecycle/summary.js';
import { tearDown } from './lifecycle/teardown.js';
import { eventsQuery, statusQuery, teardownSignal, type TeardownRequest } from './messages.js';

export type { CarriedState } from './lifecycle/state.js';

export interface PipelineWorkflowInput {
  spec: PipelineSpec;
  /** Set by continue-as-new; absent on the first run. */
  carried?: CarriedState;
  /**
   * Also continue-as-new once history exceeds this many events (besides Temporal's own
   * suggestion). Lets short-lived environments exercise long-life behaviour.
   */
  continueAsNewAfterHistoryEvents?: number;
}

export interface PipelineWorkflowResult {
  id: string;
  phase: PipelinePhase;
  resources: PipelineResources;
  continuedAsNewCount: number;
}

function publishPhase(status: PipelineStatus): void {
  upsertSearchAttributes([{ key: pipelinePhaseKey, value: status.phase }]);
  setCurrentDetails(pipelineCurrentDetails(status));
}

export async function pipelineWorkflow(input: PipelineWorkflowInput): Promise<PipelineWorkflowResult> {
  const { spec, carried } = input;
  let teardown: TeardownRequest | null = null;
  const state = new PipelineState(spec, carried, { nowIso: () => new Date().toISOString(), phaseChanged: publishPhase });

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
  const extensions = new ExtensionHost(PIPELINE_EXTENSIONS, ctx, carried?.extensions, state);

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
  }

  if (teardown === null) {
    extensions.start();
    await condition(() => teardown !== null || (extensions.allReturned && continueAsNewSuggested()));
    // Updates still being handled would be lost with this run; let them answer first.
    await condition(allHandlersFinished);
    if (teardown === null) {
      // Explicit, so filters (search attributes) and the starter's notes (memo, e.g. the
      // API's spec hash) hold for every run of the chain.
      const info = workflowInfo();
      const next = makeContinueAsNewFunc<typeof pipelineWorkflow>({ typedSearchAttributes: info.typedSearchAttributes, memo: info.memo });
      return await next({
        spec,
        carried: state.toCarried(extensions.snapshots()),
        continueAsNewAfterHistoryEvents: input.continueAsNewAfterHistoryEvents,
      });
    }
  }

  const request: TeardownRequest = teardown;
  await extensions.stopAll();
  await tearDown(state, request.reason ?? 'teardown requested');
  await condition(allHandlersFinished);
  return {
    id: spec.id,
    phase: state.phase,
    resources: state.status.resources,
    continuedAsNewCount: state.status.continuedAsNewCount,
  };
}
