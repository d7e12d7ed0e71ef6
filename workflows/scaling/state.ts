/**
 * The scaling controller's state (its slice of the carried state): plain JSON, carried through continue-as-new as one
 * object, plus the pure helpers that keep its bounded parts bounded.
 */
import type { PipelineSpec } from '../../model/spec.js';
import type { AutoscalingSettings, ScalingRecord } from '../../model/status.js';
import {
  DAY_SECONDS, type Capacity, type MetricsSample, type PolicyConfig, type PolicyState, type ScalingPolicy, type ScalingTarget,
} from '../../scaling/types.js';
import { countScalingRecord } from './metrics.js';

/** Enough for the last few hours of actions without letting history payloads grow. */
export const HISTORY_LIMIT = 200;
/** Observations kept for the metrics query (two hours of 1-minute periods). */
export const WINDOW_LIMIT = 120;
export const STATE_VERSION = 1;

/** A manual target: the policies' fields, plus ParallelismPerKPU (set only by people and calibration). */
export interface CapacityTarget extends ScalingTarget {
  parallelismPerKpu?: number;
}

export interface PendingOverride {
  target: CapacityTarget;
  reason: string | null;
  requestedAt: string;
}

export interface ScalingState {
  version: typeof STATE_VERSION;
  settings: AutoscalingSettings;
  policyState: PolicyState;
  /** Last capacity read from AWS; null until the first read. */
  capacity: Capacity | null;
  applicationVersionId: number | null;
  /** Epoch seconds of our UpdateShardCount calls within the rolling 24 h quota window. */
  shardUpdateTimes: number[];
  history: ScalingRecord[];
  window: MetricsSample[];
  /** Start of the newest period already observed, so each period reaches the policy once. */
  lastSampleTimestamp: number | null;
  /** An accepted override not yet started (e.g. accepted just before continue-as-new). */
  pendingOverride: PendingOverride | null;
  /** Set when a rollback failed: autoscaling stays off until a person resumes it. */
  attention: string | null;
  /**
   * Periods starting before this (epoch s) were observed while the policy was not in charge
   * (paused, DEGRADED, an override pending or an action running): they never reach it. Absent in
   * slices written before it existed.
   */
  evidenceFrom?: number | null;
  /**
   * The policy whose decide() threw (the pipeline went DEGRADED): once a person resumes, it starts
   * again from its initial state. Absent in slices written before it existed (no failure).
   */
  policyFailed?: string | null;
}

export function initialSettings(spec: PipelineSpec, policy: ScalingPolicy | undefined): AutoscalingSettings {
  const s = spec.scaling;
  return {
    policy: s.policy,
    paused: !s.enabled,
    intervalSeconds: s.intervalSeconds,
    periodSeconds: s.periodSeconds,
    cooldownSeconds: s.cooldownSeconds,
    limits: { ...s.limits },
    parameters: { ...policy?.defaultParameters, ...s.parameters },
  };
}

/** The settings as the status shows them, with what the policy has learned next to its parameters (e.g. adaptive's true rate next to its prior). */
export function autoscalingStatus(
  settings: AutoscalingSettings, resolvePolicy: (name: AutoscalingSettings['policy']) => ScalingPolicy | undefined, policyState: PolicyState,
): AutoscalingSettings {
  const learned = resolvePolicy(settings.policy)?.learned?.(policyState);
  return learned === undefined ? { ...settings } : { ...settings, learned };
}

export function policyConfig(settings: AutoscalingSettings): PolicyConfig {
  return { cooldownSeconds: settings.cooldownSeconds, limits: { ...settings.limits }, parameters: { ...settings.parameters } };
}

/** Without a policy (a name this build does not know) the loop still observes, and says why it does not decide. */
export function initialState(spec: PipelineSpec, policy: ScalingPolicy | undefined): ScalingState {
  const settings = initialSettings(spec, policy);
  return {
    version: STATE_VERSION,
    settings,
    policyState: policy?.initialState(policyConfig(settings)) ?? {},
    capacity: null,
    applicationVersionId: null,
    shardUpdateTimes: [],
    history: [],
    window: [],
    lastSampleTimestamp: null,
    pendingOverride: null,
    attention: null,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Why a carried value is not a scaling slice this build can continue from, or null. Never
 * "start fresh" instead: a fresh state would forget the 24 h quota window, holds and history.
 */
export function scalingSliceProblem(v: unknown): string | null {
  if (!isObject(v)) return 'scaling slice is not an object';
  if (v.version !== STATE_VERSION) return `scaling slice has version ${JSON.stringify(v.version)}; this build reads version ${STATE_VERSION}`;
  if (!isObject(v.settings)) return 'scaling slice: settings must be an object';
  if (!isObject(v.policyState)) return 'scaling slice: policyState must be an object';
  for (const list of ['shardUpdateTimes', 'history', 'window'] as const) {
    if (!Array.isArray(v[list])) return `scaling slice: ${list} must be a list`;
  }
  if (v.attention !== null && typeof v.attention !== 'string') return 'scaling slice: attention must be text or null';
  return null;
}

export function appendBounded<T>(list: T[], items: T[], limit: number): T[] {
  const next = list.concat(items);
  return next.length > limit ? next.slice(next.length - limit) : next;
}

export function addRecord(state: ScalingState, record: ScalingRecord): void {
  countScalingRecord(record, state.settings.policy);
  const last = state.history[state.history.length - 1];
  // A quiet pipeline would otherwise fill the history with identical "keep capacity" entries:
  // consecutive no-change decisions collapse into the newest one.
  if (record.kind === 'decision' && record.outcome === 'none' && last?.kind === 'decision' && last.outcome === 'none') {
    state.history[state.history.length - 1] = record;
    return;
  }
  state.history = appendBounded(state.history, [record], HISTORY_LIMIT);
}

export function quotaWindow(times: number[], nowSeconds: number): number[] {
  return times.filter((t) => t > nowSeconds - DAY_SECONDS);
}

export interface CapacityPair {
  shards: number;
  parallelism: number;
  /** Only where an action may change it (absent: unchanged, whatever it is). */
  parallelismPerKpu?: number;
}

export function pairOf(c: Capacity): CapacityPair {
  return { shards: c.shards, parallelism: c.parallelism };
}

export function describePair(c: CapacityPair): string {
  return `${c.shards} shards / parallelism ${c.parallelism}${c.parallelismPerKpu === undefined ? '' : ` (ParallelismPerKPU ${c.parallelismPerKpu})`}`;
}

export function describeTarget(t: CapacityTarget): string {
  const parts: string[] = [];
  if (t.shards !== undefined) parts.push(`${t.shards} shards`);
  if (t.parallelism !== undefined) parts.push(`parallelism ${t.parallelism}`);
  if (t.parallelismPerKpu !== undefined) parts.push(`ParallelismPerKPU ${t.parallelismPerKpu}`);
  return parts.join(' and ') || 'no change';
}
