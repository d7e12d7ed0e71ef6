import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sleep } from '../../scripts/dev-server.js';
import { ManagedChild } from '../../scripts/processes.js';

const ROOT = resolve(import.meta.dirname, '../..');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await sleep(100);
  }
  return condition();
}

/** A shell that starts a grandchild, prints its pid and then waits; `trapTerm` makes it ignore SIGTERM. */
function shellWithGrandchild(lines: string[], trapTerm = false): ManagedChild {
  const script = `${trapTerm ? "trap '' TERM; " : ''}sleep 300 & echo "grandchild $!"; echo ready; wait`;
  return new ManagedChild({ name: 'shell', command: 'bash', args: ['-c', script], env: process.env, onLine: (line) => lines.push(line) });
}

function grandchildPid(lines: string[]): number {
  const line = lines.find((l) => l.startsWith('grandchild '));
  if (line === undefined) throw new Error(`no grandchild line in ${JSON.stringify(lines)}`);
  return Number(line.split(' ')[1]);
}

describe('ManagedChild (processes of the local stack and the test harness)', () => {
  it('delivers every output line of the child to onLine', async () => {
    const lines: string[] = [];
    const child = new ManagedChild({
      name: 'echo',
      command: 'bash',
      args: ['-c', 'echo one; echo two >&2; echo three'],
      env: process.env,
      onLine: (line, stream) => lines.push(`${stream}:${line}`),
    });
    expect(await child.exited).toEqual({ code: 0, signal: null });
    await sleep(50);
    expect(lines.sort()).toEqual(['stderr:two', 'stdout:one', 'stdout:three']);
  });

  it('stop() ends the child and what the child spawned (no orphans)', async () => {
    const lines: string[] = [];
    const child = shellWithGrandchild(lines);
    expect(await until(() => lines.includes('ready'), 10_000)).toBe(true);
    const grandchild = grandchildPid(lines);
    expect(alive(grandchild)).toBe(true);

    await child.stop(5_000);
    expect(child.exit).toBeDefined();
    expect(await until(() => !alive(grandchild), 3_000)).toBe(true);
  });

  it('stop() escalates to SIGKILL when the child ignores SIGTERM', async () => {
    const lines: string[] = [];
    const child = shellWithGrandchild(lines, true);
    expect(await until(() => lines.includes('ready'), 10_000)).toBe(true);
    const grandchild = grandchildPid(lines);

    const started = Date.now();
    await child.stop(500);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await until(() => !alive(grandchild), 3_000)).toBe(true);
  });

  it('reports an unexpected exit with its code', async () => {
    const child = new ManagedChild({ name: 'fails', command: 'bash', args: ['-c', 'exit 3'], env: process.env, onLine: () => undefined });
    expect((await child.exited).code).toBe(3);
    expect(child.isStopping).toBe(false);
  });

  it('stops the child when the process that started it is SIGKILLed', async () => {
    // A separate Node process owns the child, then dies without any chance to clean up.
    const owner = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { ManagedChild } from './scripts/processes.ts';
         new ManagedChild({ name: 'c', command: 'bash', args: ['-c', 'sleep 300 & echo "grandchild $!"; wait'], env: process.env,
           onLine: (line) => console.log(line) });`,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines: string[] = [];
    owner.stdout.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n')));
    expect(await until(() => lines.some((l) => l.startsWith('grandchild ')), 20_000)).toBe(true);
    const grandchild = grandchildPid(lines);

    owner.kill('SIGKILL');
    expect(await until(() => !alive(grandchild), 5_000)).toBe(true);
  });
});
