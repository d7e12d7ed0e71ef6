/**
 * The pipeline's CloudWatch dashboard, a provisioning saga step and a teardown step.
 * Pipelines started before it existed keep replaying: the step runs only under the
 * `patched()` marker, and teardown removes a dashboard only when the status records one.
 */
import { patched } from '@temporalio/workflow';
import { pipelineDashboardName } from '../../model/dashboard.js';
import { awsCall } from './activities.js';
import { PATCHES } from './patches.js';
import type { Saga } from './saga.js';
import type { PipelineState } from './state.js';

export async function removeDashboard(name: string, why: string): Promise<string> {
  const deleted = await awsCall(`Delete CloudWatch dashboard ${name} (${why})`).deletePipelineDashboard(name);
  return deleted.message;
}

/** Creates the dashboard (when this workflow's code has the step) and pushes its removal onto the saga. */
export async function provisionDashboard(state: PipelineState, saga: Saga): Promise<void> {
  if (!patched(PATCHES.cloudwatchDashboard)) return;
  const res = state.status.resources;
  const name = pipelineDashboardName(state.status.spec.id);
  const created = await awsCall(`Create CloudWatch dashboard ${name} (the article's panels)`).putPipelineDashboard({
    pipelineId: state.status.spec.id,
    dashboardName: name,
    streamName: res.streamName,
    applicationName: res.applicationName,
  });
  res.dashboardName = name;
  state.record({ kind: 'step', message: created.message });
  saga.add({ description: `delete CloudWatch dashboard ${name}`, run: () => removeDashboard(name, 'undo provisioning') });
}

/** Teardown's last step; a pipeline provisioned without a dashboard has nothing to remove. */
export async function tearDownDashboard(state: PipelineState): Promise<void> {
  const name = state.status.resources.dashboardName;
  if (name === undefined || name === null || !patched(PATCHES.cloudwatchDashboard)) return;
  state.record({ kind: 'step', message: await removeDashboard(name, 'teardown') });
  state.status.resources.dashboardName = null;
}
