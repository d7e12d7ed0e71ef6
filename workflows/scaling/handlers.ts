/**
 * The scaling controller's updates and queries: manual scale overrides, autoscaling
 * settings (pause/resume, policy, bounds), the metrics window and the action history.
 * Registered when the controller is built, so they exist from the first workflow task.
 */
import { ApplicationFailure, patched, setHandler } from '@temporalio/workflow';
import {
  autoscalingUpdate, metricsQuery, scaleOverrideUpdate, scalingHistoryQuery,
  TEARDOWN_REQUESTED_MESSAGE, type AutoscalingChange, type ScaleOverrideRequest, type ScaleOverrideResult,
} from '../contract.js';
import type { Capacity } from '../../scaling/types.js';
import { PATCHES } from '../lifecycle/patches.js';
import type { ScalingController } from './controller.js';
import { applyAutoscalingChange, overrideViolation } from './rules.js';
import { addRecord, autoscalingStatus, describeTarget, policyConfig } from './state.js';

export function registerScalingHandlers(controller: ScalingController): void {
  const { ctx, state, resolvePolicy } = controller;

  setHandler(metricsQuery, () => state.window);
  setHandler(scalingHistoryQuery, () => state.history);

  // Until the loop's first read, the capacity provisioning reported is the best known.
  const knownCapacity = (): Capacity | null => {
    const fromStatus = ctx.status.capacity;
    if (state.capacity !== null || fromStatus === null) return state.capacity;
    return { shards: fromStatus.shards, parallelism: fromStatus.parallelism, parallelismPerKpu: fromStatus.parallelismPerKpu };
  };
  // Accepted after teardown was requested, a request would never run (the loop has stopped).
  const overrideProblem = (req: ScaleOverrideRequest): string | null => ctx.teardownRequested() ? TEARDOWN_REQUESTED_MESSAGE : overrideViolation(req, {
    phase: ctx.status.phase,
    capacity: knownCapacity(),
    actionInFlight: controller.isBusy(),
    maxKpus: state.settings.limits.maxKpus,
  });
  setHandler(
    scaleOverrideUpdate,
    (req): ScaleOverrideResult => {
      // Re-checked: another update may have been accepted between validation and this handler.
      const problem = overrideProblem(req);
      const capacity = knownCapacity();
      if (problem !== null || capacity === null) throw ApplicationFailure.nonRetryable(`Scale override rejected: ${problem ?? 'capacity unknown'}`, 'OverrideRejected');
      const target = {
        ...(req.shards !== undefined ? { shards: req.shards } : {}),
        ...(req.parallelism !== undefined ? { parallelism: req.parallelism } : {}),
        ...(req.parallelismPerKpu !== undefined ? { parallelismPerKpu: req.parallelismPerKpu } : {}),
      };
      const before = { shards: capacity.shards, parallelism: capacity.parallelism };
      state.pendingOverride = { target, reason: req.reason ?? null, requestedAt: ctx.nowIso() };
      const message = `accepted: scaling to ${describeTarget(target)} now; it is verified and rolled back on failure`;
      addRecord(state, {
        at: ctx.nowIso(), kind: 'override', source: 'override', before,
        after: { shards: target.shards ?? before.shards, parallelism: target.parallelism ?? before.parallelism },
        target, outcome: 'ok', reasons: [req.reason ?? 'manual override', message],
      });
      ctx.record({ kind: 'override', message: `Scale override ${message}`, data: { target } });
      return { accepted: true, target, before, message };
    },
    {
      validator: (req) => {
        const problem = overrideProblem(req);
        if (problem !== null) throw ApplicationFailure.nonRetryable(`Scale override rejected: ${problem}`, 'OverrideRejected');
      },
    },
  );

  setHandler(
    autoscalingUpdate,
    (change: AutoscalingChange) => {
      // The per-unit rate (a calibration's) survives a policy switch and becomes the prior of what the policy learns.
      const ratePrior = patched(PATCHES.calibratedRatePrior);
      const { settings, problems } = applyAutoscalingChange(state.settings, change, resolvePolicy, { carryUnitRate: ratePrior });
      if (problems.length > 0) throw ApplicationFailure.nonRetryable(`Autoscaling change rejected: ${problems.join('; ')}`, 'SettingsRejected');
      const policyChanged = settings.policy !== state.settings.policy;
      const before = policyChanged ? (resolvePolicy(settings.policy)?.defaultParameters ?? {}) : state.settings.parameters;
      state.settings = settings;
      if (policyChanged) state.policyState = controller.policy().initialState(policyConfig(settings));
      if (ratePrior) {
        const changed = Object.keys(settings.parameters).filter((name) => settings.parameters[name] !== before[name]);
        const policy = controller.policy();
        if (changed.length > 0 && policy.reseed) state.policyState = policy.reseed(state.policyState, changed, policyConfig(settings));
      }
      // Whatever made the pipeline DEGRADED (a failed rollback, a controller's error, unreadable carried
      // state), a person resuming autoscaling after fixing the cause brings it back to RUNNING.
      const resumedFromDegraded = change.paused === false &&
        (state.attention !== null || (ctx.status.phase === 'DEGRADED' && patched(PATCHES.degradedRecovers)));
      if (resumedFromDegraded) {
        const was = ctx.status.attention;
        state.attention = null;
        ctx.status.attention = null;
        if (ctx.status.phase === 'DEGRADED') ctx.setPhase('RUNNING', `Autoscaling resumed by a person${was ? ` after: ${was}` : ''}`);
        controller.release();
      }
      ctx.status.autoscaling = autoscalingStatus(settings, resolvePolicy, state.policyState);
      addRecord(state, {
        at: ctx.nowIso(), kind: 'settings', source: 'override', before: null, after: null, target: null, outcome: 'ok',
        reasons: [`autoscaling settings changed: ${JSON.stringify(change)}`],
      });
      ctx.record({ kind: 'override', message: `Autoscaling settings changed: ${JSON.stringify(change)}` });
      controller.wakeUp();
      return { ...settings };
    },
    {
      validator: (change) => {
        if (ctx.teardownRequested()) throw ApplicationFailure.nonRetryable(`Autoscaling change rejected: ${TEARDOWN_REQUESTED_MESSAGE}`, 'SettingsRejected');
        const { problems } = applyAutoscalingChange(state.settings, change, resolvePolicy);
        if (problems.length > 0) throw ApplicationFailure.nonRetryable(`Autoscaling change rejected: ${problems.join('; ')}`, 'SettingsRejected');
      },
    },
  );
}
