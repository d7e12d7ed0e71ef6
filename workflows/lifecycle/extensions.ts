/**
 * Hosts the extensions (replay, scaling) inside the RUNNING part of the life cycle:
 * installs them at workflow start, runs them, stops them on teardown, and collects
 * their snapshots for continue-as-new.
 */
import { condition } from '@temporalio/workflow';
import type { ExtensionInstaller, PipelineContext, PipelineExtension } from '../extension.js';
import { failureMessage } from './failures.js';
import type { PipelineState } from './state.js';

export interface NamedExtension {
  /** Key of the extension's snapshot in the carried state; never rename one in use. */
  name: string;
  install: ExtensionInstaller;
}

/** How long teardown waits for extensions to reach a safe point after `stop()`. */
const STOP_GRACE = '5 minutes';

export class ExtensionHost {
  private readonly installed: Array<{ name: string; extension: PipelineExtension }>;
  private started = false;
  private returned = 0;

  constructor(
    extensions: readonly NamedExtension[],
    ctx: PipelineContext,
    carried: Record<string, unknown> | undefined,
    private readonly state: PipelineState,
  ) {
    this.installed = extensions.map(({ name, install }) => ({ name, extension: install(ctx, carried?.[name]) }));
  }

  get allReturned(): boolean {
    return this.returned === this.installed.length;
  }

  /** Starts every extension's `run()`; a failing one degrades the pipeline instead of failing the workflow. */
  start(): void {
    this.started = true;
    for (const { name, extension } of this.installed) {
      void extension
        .run()
        .catch((err: unknown) => this.extensionFailed(name, 'run', err))
        .finally(() => {
          this.returned += 1;
        });
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.installed.map(({ name, extension }) => extension.stop().catch((err: unknown) => this.extensionFailed(name, 'stop', err))),
    );
    if (!this.started) return;
    if (!(await condition(() => this.allReturned, STOP_GRACE))) {
      this.state.record({ kind: 'error', message: `Extensions still busy after ${STOP_GRACE}; tearing down anyway` });
    }
  }

  snapshots(): Record<string, unknown> {
    return Object.fromEntries(this.installed.map(({ name, extension }) => [name, extension.snapshot()]));
  }

  private extensionFailed(name: string, what: string, err: unknown): void {
    const message = failureMessage(err);
    this.state.recordError(`${name} ${what}`, message);
    const phase = this.state.phase;
    if (phase === 'RUNNING' || phase === 'SCALING' || phase === 'ROLLING_BACK') {
      this.state.status.attention = `The ${name} extension stopped with an error (${message}); the pipeline keeps running without it.`;
      this.state.setPhase('DEGRADED', `${name} extension failed`);
    }
  }
}
