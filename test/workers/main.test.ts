import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManagedChild, type ExitInfo } from '../../scripts/processes.js';
import { temporalAddress, temporalNamespace, uniqueTaskQueue } from '../support/temporal.js';

const ROOT = resolve(import.meta.dirname, '../..');

function workerProcess(env: Record<string, string>, lines: string[]): ManagedChild {
  return new ManagedChild({
    name: 'worker',
    command: process.execPath,
    args: ['--import', 'tsx', 'workers/main.ts'],
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
    onLine: (line) => lines.push(line),
  });
}

async function waitForLine(child: ManagedChild, lines: string[], text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!lines.some((l) => l.includes(text))) {
    if (child.exit) throw new Error(`worker exited before "${text}": ${lines.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`no "${text}" after ${timeoutMs} ms: ${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('worker process (workers/main.ts)', () => {
  it('refuses a bad configuration in one line naming the variable, before connecting anywhere', async () => {
    const lines: string[] = [];
    const child = workerProcess({ TEMPORAL_ADDRESS: 'not an address' }, lines);
    const exit: ExitInfo = await child.exited;
    expect(exit.code).toBe(1);
    expect(lines.filter((l) => l.includes('TEMPORAL_ADDRESS'))).toEqual([
      'Invalid configuration: TEMPORAL_ADDRESS="not an address" — must be host:port, e.g. 127.0.0.1:7233',
    ]);
  });

  it('says "worker ready" once it polls, and drains and exits 0 on SIGTERM', { timeout: 120_000 }, async () => {
    const lines: string[] = [];
    const child = workerProcess(
      {
        TEMPORAL_ADDRESS: temporalAddress(),
        TEMPORAL_NAMESPACE: temporalNamespace(),
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('worker-main'),
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      },
      lines,
    );
    try {
      await waitForLine(child, lines, 'worker ready', 90_000);
      const exit = await child.stop(15_000);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(lines.some((l) => l.includes('SIGTERM: draining the worker'))).toBe(true);
      expect(lines.at(-1)).toContain('worker stopped');
    } finally {
      child.killNow();
    }
  });
});
