/**
 * TEARING_DOWN → DELETED: stop and delete the application, delete the stream unless the
 * spec keeps it. Only what this pipeline created is removed; adopted resources stay as
 * they were. Every activity is idempotent, so a teardown that resumes after a crash
 * finds some resources already gone and moves on.
 */
import { ApplicationFailure, CancellationScope } from '@temporalio/workflow';
import { tearDownDashboard } from './dashboard.js';
import { failureMessage } from './failures.js';
import { PIPELINE_FAILED, removeApplication, removeStream } from './provision.js';
import type { PipelineState } from './state.js';

export async function tearDown(state: PipelineState, reason: string): Promise<void> {
  await CancellationScope.nonCancellable(() => tearDownResources(state, reason));
}

async function tearDownResources(state: PipelineState, reason: string): Promise<void> {
  const spec = state.status.spec;
  const res = state.status.resources;
  state.setPhase('TEARING_DOWN', reason);
  let step = 'remove application';
  try {
    if (res.createdApplication) {
      state.record({ kind: 'step', message: await removeApplication(res.applicationName, 'teardown') });
    } else {
      state.record({ kind: 'step', message: `Left application ${res.applicationName} alone: this pipeline did not create it` });
    }
    step = 'remove stream';
    if (!res.createdStream) {
      state.record({ kind: 'step', message: `Left stream ${res.streamName} alone: this pipeline did not create it` });
    } else if (spec.retainStreamOnDelete) {
      state.record({ kind: 'step', message: `Kept stream ${res.streamName} (retainStreamOnDelete)` });
    } else {
      state.record({ kind: 'step', message: await removeStream(res.streamName, 'teardown') });
    }
    step = 'remove CloudWatch dashboard';
    await tearDownDashboard(state);
  } catch (err) {
    const message = failureMessage(err);
    state.fail(step, message, `Teardown stopped at "${step}": ${message}. Remove what is left by hand.`);
    throw ApplicationFailure.create({
      message: `Teardown of pipeline ${spec.id} failed at "${step}": ${message}`,
      type: PIPELINE_FAILED,
      nonRetryable: true,
    });
  }
  state.status.capacity = null;
  state.setPhase('DELETED', 'everything this pipeline created is gone');
}
