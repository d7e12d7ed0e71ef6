/**
 * The local stack end to end, on free ports and a temporary data folder so it never
 * meets the developer's own stack: start order and readiness, the Temporal UI and the
 * API answering, a clean SIGINT shutdown with no process left, and workflow history
 * surviving a restart (SQLite persistence).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort, sleep } from '../../scripts/dev-server.js';
import { createFixtureActivities } from '../fixtures/workflows/activities.js';
import { fixtureGreetingWorkflow } from '../fixtures/workflows/index.js';
import { runWorker } from '../support/temporal.js';
import { productWorkflowBundle } from '../support/product-bundle.js';

const ROOT = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'shardpilot-stack-'));

interface RunningStack {
  process: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

const running: RunningStack[] = [];

function startStack(env: Record<string, string>): RunningStack {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/stack.ts', '--no-demo'], {
    cwd: ROOT,
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(...chunk.toString().split('\n')));
  child.stderr.on('data', (chunk: Buffer) => output.push(...chunk.toString().split('\n')));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const stack = { process: child, output, exited };
  running.push(stack);
  return stack;
}

async function waitForReady(stack: RunningStack): Promise<void> {
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (stack.output.some((line) => line.includes('ready — press Ctrl-C'))) return;
    if (stack.process.exitCode !== null) break;
    await sleep(250);
  }
  throw new Error(`stack not ready:\n${stack.output.slice(-40).join('\n')}`);
}

/** Every process below `pid`, found through the ppid links (the children run in their own groups). */
function descendants(pid: number): Array<{ pid: number; args: string }> {
  const table = spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' }).stdout.trim().split('\n');
  const children = new Map<number, Array<{ pid: number; args: string }>>();
  for (const row of table) {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(row);
    if (match === null) continue;
    const parent = Number(match[2]);
    children.set(parent, [...(children.get(parent) ?? []), { pid: Number(match[1]), args: match[3] ?? '' }]);
  }
  const found: Array<{ pid: number; args: string }> = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes still alive after a short grace: signal delivery and reaping are asynchronous. */
async function leftovers(processes: Array<{ pid: number; args: string }>): Promise<Array<{ pid: number; args: string }>> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const remaining = processes.filter((p) => alive(p.pid));
    if (remaining.length === 0) return remaining;
    await sleep(100);
  }
  return processes.filter((p) => alive(p.pid));
}

async function interrupt(stack: RunningStack): Promise<number | null> {
  stack.process.kill('SIGINT');
  return Promise.race([stack.exited, sleep(60_000).then(() => 'timeout' as const)]).then((code) => {
    if (code === 'timeout') throw new Error(`stack did not stop after SIGINT:\n${stack.output.slice(-30).join('\n')}`);
    return code;
  });
}

async function runFixtureWorkflow(address: string, pipelineId: string): Promise<string> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    return await runWorker({ address, activities: createFixtureActivities('Persisted') }, ({ taskQueue }) =>
      client.workflow.execute(fixtureGreetingWorkflow, { taskQueue, workflowId: `stack-${pipelineId}`, args: ['stack', pipelineId] }),
    );
  } finally {
    await connection.close();
  }
}

async function listByPipelineId(address: string, pipelineId: string): Promise<string[]> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const found: string[] = [];
    for (let attempt = 0; attempt < 40 && found.length === 0; attempt++) {
      for await (const execution of client.workflow.list({ query: `PipelineId = '${pipelineId}'` })) {
        found.push(`${execution.workflowId}:${execution.status.name}`);
      }
      if (found.length === 0) await sleep(250);
    }
    return found;
  } finally {
    await connection.close();
  }
}

afterEach(async () => {
  for (const stack of running.splice(0)) {
    if (stack.process.exitCode !== null || stack.process.signalCode !== null) continue;
    stack.process.kill('SIGINT');
    const stopped = await Promise.race([stack.exited.then(() => true), sleep(30_000).then(() => false)]);
    // The children's watchdog stops them once the stack itself is gone.
    if (!stopped) stack.process.kill('SIGKILL');
  }
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm run start:local (scripts/stack.ts)', () => {
  it('stops before starting anything when a configuration value is bad, naming the variable in one line', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/stack.ts', '--no-demo'], {
      cwd: ROOT,
      env: { ...process.env, API_PORT: 'abc' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual(['Invalid configuration: API_PORT="abc" — must be a whole number from 0 to 65535']);
    expect(run.stdout).not.toContain('starting');
  });

  it('starts Temporal, emulator, worker and API in order, serves the UI and /healthz, stops without leftovers, keeps history across a restart, and stops everything when a component dies', { timeout: 600_000 }, async () => {
    const [temporalPort, uiPort, apiPort, emulatorPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const address = `127.0.0.1:${temporalPort}`;
    const env = {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_UI_URL: `http://127.0.0.1:${uiPort}`,
      API_PORT: String(apiPort),
      EMULATOR_PORT: String(emulatorPort),
      SHARDPILOT_DATA_DIR: dataDir,
      // The run's bundle of workflows/ (test/workers/main.test.ts covers a worker bundling at start).
      SHARDPILOT_WORKFLOW_BUNDLE: await productWorkflowBundle(),
    };

    const first = startStack(env);
    await waitForReady(first);
    const order = first.output.filter((line) => /^\[stack\]\s+\S+ is (ready|polling)/.test(line) || line.includes('Temporal is ready'));
    expect(order.map((line) => line.replace(/^\[stack\]\s+/, '').split(' ')[0])).toEqual(['Temporal', 'emulator', 'worker']);
    expect((await fetch(`http://127.0.0.1:${uiPort}/`)).status).toBe(200);
    const health = await fetch(`http://127.0.0.1:${apiPort}/healthz`);
    expect(health.status).toBe(200);

    const pipelineId = `persist-${randomUUID()}`;
    expect(await runFixtureWorkflow(address, pipelineId)).toBe('Persisted, stack!');

    const processes = descendants(first.process.pid!);
    expect(processes.length).toBeGreaterThanOrEqual(8); // four wrappers and four components
    expect(await interrupt(first)).toBe(0);
    expect(await leftovers(processes)).toEqual([]);

    const second = startStack(env);
    await waitForReady(second);
    expect(await listByPipelineId(address, pipelineId)).toEqual([`stack-${pipelineId}:COMPLETED`]);

    // A component that dies on its own takes the whole stack down, with a failure status.
    const secondProcesses = descendants(second.process.pid!);
    const api = secondProcesses.find((p) => p.args.startsWith(process.execPath) && p.args.includes('api/server.ts'));
    expect(api).toBeDefined();
    process.kill(api!.pid, 'SIGKILL');
    const code = await Promise.race([second.exited, sleep(60_000).then(() => 'timeout')]);
    expect(code).toBe(1);
    expect(second.output.join('\n')).toContain('api exited unexpectedly');
    expect(await leftovers(secondProcesses)).toEqual([]);
  });
});
