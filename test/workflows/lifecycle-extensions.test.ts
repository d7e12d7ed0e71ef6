import { describe, expect, it } from 'vitest';
import { resolveSpec } from '../../model/spec.js';
import type { PipelineContext, PipelineExtension } from '../../workflows/extension.js';
import { ExtensionHost } from '../../workflows/lifecycle/extensions.js';
import { PipelineState } from '../../workflows/lifecycle/state.js';

function setup() {
  const spec = resolveSpec({ retainOnFailure: false, retainStreamOnDelete: false }, 'ext');
  const state = new PipelineState(spec, undefined, { nowIso: () => '2026-01-01T00:00:00.000Z', phaseChanged: () => undefined });
  state.setPhase('RUNNING', 'up');
  const ctx = { spec, status: state.status } as PipelineContext;
  return { state, ctx };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('extension host: runs the features that live inside RUNNING', () => {
  it('installs each extension with its own carried snapshot and collects snapshots by name', () => {
    const { state, ctx } = setup();
    const received: unknown[] = [];
    const ext = (name: string): PipelineExtension => ({ run: async () => undefined, stop: async () => undefined, snapshot: () => ({ name }) });
    const host = new ExtensionHost(
      [
        { name: 'replay', install: (_c, carried) => (received.push(carried), ext('replay')) },
        { name: 'scaling', install: (_c, carried) => (received.push(carried), ext('scaling')) },
      ],
      ctx,
      { scaling: { cooldown: 1 } },
      state,
    );
    expect(received).toEqual([undefined, { cooldown: 1 }]);
    expect(host.snapshots()).toEqual({ replay: { name: 'replay' }, scaling: { name: 'scaling' } });
  });

  it('knows when every run() has returned, which continue-as-new waits for', async () => {
    const { state, ctx } = setup();
    let finish: () => void = () => undefined;
    const host = new ExtensionHost(
      [{ name: 'slow', install: () => ({ run: () => new Promise<void>((r) => (finish = r)), stop: async () => undefined, snapshot: () => null }) }],
      ctx,
      undefined,
      state,
    );
    host.start();
    await flush();
    expect(host.allReturned).toBe(false);
    finish();
    await flush();
    expect(host.allReturned).toBe(true);
  });

  it('degrades the pipeline, with the reason and what to do, when an extension fails', async () => {
    const { state, ctx } = setup();
    const host = new ExtensionHost(
      [{ name: 'scaling', install: () => ({ run: async () => Promise.reject(new Error('policy exploded')), stop: async () => undefined, snapshot: () => null }) }],
      ctx,
      undefined,
      state,
    );
    host.start();
    await flush();
    expect(host.allReturned).toBe(true);
    expect(state.status).toMatchObject({ phase: 'DEGRADED', lastError: { step: 'scaling run', message: 'policy exploded' } });
    expect(state.status.attention).toContain('The scaling extension stopped with an error (policy exploded)');
  });
});
