import { describe, expect, it } from 'vitest';
import { resolveSpec } from '../../model/spec.js';
import type { PipelineStatus } from '../../model/status.js';
import { Saga } from '../../workflows/lifecycle/saga.js';
import { EVENT_LIMIT, PipelineState } from '../../workflows/lifecycle/state.js';
import { pipelineStaticSummary } from '../../workflows/contract.js';
import { pipelineCurrentDetails } from '../../workflows/lifecycle/summary.js';

function clock() {
  let second = 0;
  return () => new Date(Date.UTC(2026, 0, 1, 0, 0, second++)).toISOString();
}

function newState(phases: string[] = []) {
  const spec = resolveSpec({ stream: { shardCount: 4, adopt: false, retentionHours: 24 }, retainOnFailure: false, retainStreamOnDelete: false }, 'trips');
  return new PipelineState(spec, undefined, { nowIso: clock(), phaseChanged: (s: PipelineStatus) => phases.push(s.phase) });
}

describe('pipeline state: status, phases and the bounded event list', () => {
  it('starts PROVISIONING with the resource names derived from the spec and nothing created yet', () => {
    const state = newState();
    expect(state.status.phase).toBe('PROVISIONING');
    expect(state.status.resources).toMatchObject({ streamName: 'trips-trips', applicationName: 'trips-hotspots', createdStream: false });
    expect(state.status.autoscaling).toMatchObject({ policy: 'article-step', paused: false });
  });

  it('records every phase change as an event and tells the workflow (search attribute, UI details)', () => {
    const phases: string[] = [];
    const state = newState(phases);
    state.setPhase('STARTING', 'starting the application');
    state.setPhase('RUNNING', 'all up');
    expect(phases).toEqual(['STARTING', 'RUNNING']);
    expect(state.events.map((e) => e.message)).toEqual([
      'PROVISIONING → STARTING: starting the application',
      'STARTING → RUNNING: all up',
    ]);
    expect(state.status.updatedAt).toBe(state.events[1]?.at);
  });

  it('keeps only the newest events once the limit is reached', () => {
    const state = newState();
    for (let i = 0; i < EVENT_LIMIT + 25; i++) state.record({ kind: 'step', message: `step ${i}` });
    expect(state.events).toHaveLength(EVENT_LIMIT);
    expect(state.events[0]?.message).toBe('step 25');
  });

  it('fails with the last error and what a person must do', () => {
    const state = newState();
    state.fail('ensure application', 'AccessDenied', 'fix the role');
    expect(state.status).toMatchObject({ phase: 'FAILED', attention: 'fix the role', lastError: { step: 'ensure application', message: 'AccessDenied' } });
  });

  it('carries phase, resources and events through continue-as-new and counts the hops', () => {
    const state = newState();
    state.status.resources.createdStream = true;
    state.setPhase('RUNNING', 'up');
    const carried = state.toCarried();
    expect(JSON.parse(JSON.stringify(carried))).toEqual(carried);
    const next = new PipelineState(state.status.spec, carried, { nowIso: clock(), phaseChanged: () => undefined });
    expect(next.status).toMatchObject({ phase: 'RUNNING', continuedAsNewCount: 1, createdAt: state.status.createdAt });
    expect(next.status.resources.createdStream).toBe(true);
    expect(next.events).toEqual(state.events);
    expect(next.toCarried().continuedAsNewCount).toBe(2);
  });

  it('describes itself in words for the Temporal UI', () => {
    const state = newState();
    expect(pipelineStaticSummary(state.status.spec)).toMatch(/^Pipeline trips: stream trips-trips \(\d+ shards\) → Flink application trips-hotspots \(parallelism \d+\), scaling policy /);
    state.setCapacity({ shards: 4, parallelism: 2, parallelismPerKpu: 1, kpus: 3 });
    expect(pipelineCurrentDetails(state.status)).toContain('4 shards, parallelism 2 (3 KPUs)');
  });
});

describe('provisioning saga: compensations', () => {
  it('runs compensations newest first and records each result', async () => {
    const saga = new Saga();
    const ran: string[] = [];
    saga.add({ description: 'delete stream', run: async () => (ran.push('stream'), 'stream deleted') });
    saga.add({ description: 'delete application', run: async () => (ran.push('app'), 'application deleted') });
    const recorded: string[] = [];
    const outcomes = await saga.compensate(String, (o) => recorded.push(`${o.description}: ${o.message}`));
    expect(ran).toEqual(['app', 'stream']);
    expect(recorded).toEqual(['delete application: application deleted', 'delete stream: stream deleted']);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(saga.pending).toHaveLength(0);
  });

  it('goes on after a failing compensation and reports the failure instead of swallowing it', async () => {
    const saga = new Saga();
    saga.add({ description: 'delete stream', run: async () => 'stream deleted' });
    saga.add({
      description: 'delete application',
      run: async () => {
        throw new Error('AccessDenied');
      },
    });
    const outcomes = await saga.compensate((e) => (e instanceof Error ? e.message : String(e)), () => undefined);
    expect(outcomes).toEqual([
      { description: 'delete application', ok: false, message: 'AccessDenied' },
      { description: 'delete stream', ok: true, message: 'stream deleted' },
    ]);
  });
});
