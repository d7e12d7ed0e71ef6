/**
 * PROVISIONING → STARTING → RUNNING as a saga: each step is an idempotent activity, each
 * resource this pipeline creates pushes its removal onto the saga, and a step that fails
 * for good undoes them newest first (unless the spec retains them) and fails the
 * pipeline with the reason.
 */
import { ApplicationFailure, CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import { WAIT_BOUNDS, awsCall, waitCall } from './activities.js';
import { provisionDashboard } from './dashboard.js';
import { failureMessage } from './failures.js';
import { Saga, type CompensationOutcome } from './saga.js';
import { capacityOf, type PipelineState } from './state.js';

export type ProvisionOutcome = 'running' | 'teardown';

export const PIPELINE_FAILED = 'PipelineFailed';

/** Stopping comes first: AWS refuses to delete an application in a transitional state. */
export async function removeApplication(name: string, why: string): Promise<string> {
  const stopped = await waitCall(`Stop application ${name} (${why})`).stopApplication({
    applicationName: name,
    forceAfterSeconds: WAIT_BOUNDS.stopForceAfterSeconds,
    timeoutSeconds: WAIT_BOUNDS.stopSeconds,
  });
  const deleted = await waitCall(`Delete application ${name} (${why})`).deleteApplication({
    applicationName: name,
    timeoutSeconds: WAIT_BOUNDS.applicationDeletedSeconds,
  });
  return `${stopped.message}; ${deleted.message}`;
}

export async function removeStream(name: string, why: string): Promise<string> {
  const deleted = await waitCall(`Delete stream ${name} (${why})`).deleteStream({
    streamName: name,
    timeoutSeconds: WAIT_BOUNDS.streamDeletedSeconds,
  });
  return deleted.message;
}

/**
 * Runs a wait that a teardown request cuts short (resolving to null), so DELETE during a
 * slow start acts at once instead of after the wait. Only waits: they change nothing,
 * so cancelling one leaves no half-done work behind.
 */
async function unlessTornDown<T>(teardownRequested: () => boolean, wait: () => Promise<T>): Promise<T | null> {
  if (teardownRequested()) return null;
  const waitScope = new CancellationScope();
  const guardScope = new CancellationScope();
  const guard = guardScope.run(() => condition(teardownRequested)).then(
    () => waitScope.cancel(),
    () => undefined,
  );
  try {
    return await waitScope.run(wait);
  } catch (err) {
    if (isCancellation(err) && teardownRequested()) return null;
    throw err;
  } finally {
    guardScope.cancel();
    await guard;
  }
}

export async function provision(state: PipelineState, teardownRequested: () => boolean): Promise<ProvisionOutcome> {
  const spec = state.status.spec;
  const res = state.status.resources;
  const saga = new Saga();
  const stepDone = (message: string) => state.record({ kind: 'step', message });
  let step = 'ensure stream';
  try {
    const stream = await awsCall(
      `${spec.stream.adopt ? 'Adopt or create' : 'Create'} stream ${res.streamName} with ${spec.stream.shardCount} shards`,
    ).ensureStream({ pipelineId: spec.id, streamName: res.streamName, shardCount: spec.stream.shardCount, adopt: spec.stream.adopt });
    res.createdStream = stream.created;
    stepDone(stream.message);
    if (stream.created) {
      saga.add({ description: `delete stream ${res.streamName}`, run: () => removeStream(res.streamName, 'undo provisioning') });
    }

    step = 'wait for stream';
    const active = await unlessTornDown(teardownRequested, () =>
      waitCall(`Wait until stream ${res.streamName} is ACTIVE`).waitStreamActive({
        streamName: res.streamName,
        timeoutSeconds: WAIT_BOUNDS.streamActiveSeconds,
      }),
    );
    if (active === null) return 'teardown';
    res.streamArn = active.streamArn;
    state.setCapacity(capacityOf(active.openShards, spec.application.parallelism, spec.application.parallelismPerKpu));
    stepDone(`Stream ${res.streamName} is ACTIVE with ${active.openShards} open shards`);

    if (stream.created && active.retentionHours !== spec.stream.retentionHours) {
      step = 'set stream retention';
      const retention = await awsCall(`Keep records of ${res.streamName} for ${spec.stream.retentionHours} h`).ensureStreamRetention({
        streamName: res.streamName,
        retentionHours: spec.stream.retentionHours,
      });
      stepDone(retention.message);
    }
    if (teardownRequested()) return 'teardown';

    step = 'ensure application';
    const app = await awsCall(
      `${spec.application.adopt ? 'Adopt or create' : 'Create'} Flink application ${res.applicationName} ` +
        `(parallelism ${spec.application.parallelism}, autoscaling off)`,
    ).ensureApplication({ pipelineId: spec.id, application: spec.application });
    res.createdApplication = app.created;
    if (app.state) {
      res.applicationArn = app.state.applicationArn;
      res.applicationVersionId = app.state.versionId;
    }
    stepDone(app.message);
    if (app.created) {
      saga.add({
        description: `stop and delete application ${res.applicationName}`,
        run: () => removeApplication(res.applicationName, 'undo provisioning'),
      });
    }
    step = 'create CloudWatch dashboard';
    await provisionDashboard(state, saga);
    if (teardownRequested()) return 'teardown';

    state.setPhase('STARTING', `starting Flink application ${res.applicationName}`);
    step = 'start application';
    const started = await awsCall(`Start application ${res.applicationName}`).startApplication(res.applicationName);
    stepDone(started.message);

    step = 'wait for application';
    const running = await unlessTornDown(teardownRequested, () =>
      waitCall(`Wait until application ${res.applicationName} is RUNNING`).waitApplicationRunning({
        applicationName: res.applicationName,
        timeoutSeconds: WAIT_BOUNDS.applicationRunningSeconds,
      }),
    );
    if (running === null) return 'teardown';
    res.applicationArn = running.applicationArn;
    res.applicationVersionId = running.versionId;
    state.setCapacity(capacityOf(active.openShards, running.currentParallelism, running.parallelismPerKpu));
    state.setPhase(
      'RUNNING',
      `stream ${res.streamName} has ${active.openShards} shards; application ${res.applicationName} runs with parallelism ${running.currentParallelism}`,
    );
    return 'running';
  } catch (err) {
    return await CancellationScope.nonCancellable(() => failProvisioning(state, saga, step, err));
  }
}

async function failProvisioning(state: PipelineState, saga: Saga, step: string, err: unknown): Promise<never> {
  const spec = state.status.spec;
  const message = failureMessage(err);
  state.recordError(step, message);
  let attention: string;
  let outcomes: CompensationOutcome[] = [];
  if (saga.pending.length === 0) {
    attention = `Provisioning failed at "${step}": ${message}. Nothing had been created; fix the cause and create the pipeline again.`;
  } else if (spec.retainOnFailure) {
    const kept = saga.pending.map((c) => c.description.replace(/^(stop and )?delete /, '')).join(', ');
    state.record({ kind: 'compensation', message: `Kept ${kept} because retainOnFailure is set` });
    attention = `Provisioning failed at "${step}": ${message}. Kept for inspection (retainOnFailure): ${kept}; remove them by hand when done.`;
  } else {
    outcomes = await saga.compensate(failureMessage, (o) =>
      state.record({
        kind: 'compensation',
        message: o.ok ? `Undo "${o.description}": ${o.message}` : `Undo "${o.description}" FAILED: ${o.message}`,
        data: { ok: o.ok, description: o.description },
      }),
    );
    const failed = outcomes.filter((o) => !o.ok);
    attention =
      failed.length === 0
        ? `Provisioning failed at "${step}": ${message}. Everything it created was removed; fix the cause and create the pipeline again.`
        : `Provisioning failed at "${step}": ${message}. These could not be undone and need removing by hand: ` +
          failed.map((o) => `${o.description} (${o.message})`).join('; ');
  }
  state.fail(step, message, attention);
  throw ApplicationFailure.create({
    message: `Pipeline ${spec.id} failed at "${step}": ${message}`,
    type: PIPELINE_FAILED,
    nonRetryable: true,
    details: [{ step, compensations: outcomes }],
  });
}
