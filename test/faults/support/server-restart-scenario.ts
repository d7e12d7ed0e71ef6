/**
 * The Temporal dev server stopped in the middle of a scaling action and a replay, and
 * started again on the same SQLite file: the workflows resume where they were, the API
 * answers 503 with Retry-After while the server is away (or a read no older than its
 * stated bound), and recovers by itself — neither the API nor the worker is restarted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../api/app.js';
import { createTemporalClient } from '../../../api/temporal/connect.js';
import { loadConfig } from '../../../config/index.js';
import { devServerArgs, freePort, waitForTemporal } from '../../../scripts/dev-server.js';
import { ManagedChild } from '../../../scripts/processes.js';
import { requireTemporalCli } from '../../../scripts/temporal-cli.js';
import { pipelineWorkflowId } from '../../../workflows/contract.js';
import { startPipeline } from '../../workflows/lifecycle-harness.js';
import { accountCalls, capacityProblems, faultSpec, missingTrips, override, waitFor } from './pipelines.js';
import { FaultRig } from './rig.js';
import type { Random } from './seed.js';

const NAMESPACE = 'default';

export interface ServerRestartOptions {
  bundlePath: string;
  random: Random;
  /** Restarts of the server, one per scaling action. */
  restarts: number;
  /** How long the server stays down each time, ms. */
  downMs: number;
  /** The sample's replay runs across the restarts at this speedup. */
  replaySpeedup: number;
  stepTimeoutMs: number;
  log(line: string): void;
}

export interface ServerRestartReport {
  restarts: number;
  /** API answers while the server was down, by route and status. */
  answersWhileDown: Record<string, number>;
  /** 503s without a Retry-After header (must be 0). */
  unavailableWithoutRetryAfter: number;
  /** Seconds from the server's restart to the API's first fresh pipeline read, per restart. */
  apiRecoverySeconds: number[];
  /** Seconds from the restart to the interrupted action's end, per restart. */
  actionResumeSeconds: number[];
  workerRestarts: number;
  problems: string[];
  durationSeconds: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

class DevServer {
  private child: ManagedChild | undefined;
  readonly lines: string[] = [];
  constructor(readonly port: number, readonly dbFile: string) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = new ManagedChild({
      name: 'temporal',
      command: requireTemporalCli(process.env),
      args: devServerArgs({ ip: '127.0.0.1', port: this.port, namespace: NAMESPACE, dbFile: this.dbFile, logLevel: 'error' }),
      env: process.env,
      onLine: (line) => this.lines.push(line),
    });
    const child = this.child;
    await waitForTemporal(this.address, NAMESPACE, {
      timeoutMs: 120_000,
      abandoned: () => (child.exit ? `dev server exited (${JSON.stringify(child.exit)}): ${this.lines.slice(-10).join('\n')}` : undefined),
    });
  }

  async stop(): Promise<void> {
    await this.child?.stop(10_000);
  }
}

export async function runServerRestartScenario(o: ServerRestartOptions): Promise<ServerRestartReport> {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'faults-temporal-'));
  const server = new DevServer(await freePort(), join(dir, 'temporal.sqlite'));
  const problems: string[] = [];
  const answersWhileDown: Record<string, number> = {};
  let unavailableWithoutRetryAfter = 0;
  const apiRecoverySeconds: number[] = [];
  const actionResumeSeconds: number[] = [];
  let rig: FaultRig | undefined;
  let app: FastifyInstance | undefined;
  try {
    await server.start();
    rig = await FaultRig.start({
      temporalAddress: server.address, namespace: NAMESPACE, bundlePath: o.bundlePath, random: o.random, log: o.log,
      emulator: { kinesis: { updateShardCountMs: 8000 }, flink: { updateApplicationMs: 1500 } },
    });
    const config = loadConfig({
      TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: NAMESPACE, TEMPORAL_TASK_QUEUE: rig.taskQueue, LOG_LEVEL: 'silent',
    });
    app = await buildApp({ config, temporalClient: () => createTemporalClient(config.temporal) });
    await app.ready();
    const api = app;
    const worker = await rig.startWorker();
    const id = `restart-${Math.floor(o.random() * 1e6).toString(36)}`;
    const workflowId = pipelineWorkflowId(id);
    const t = o.stepTimeoutMs;
    await startPipeline(rig.client, rig.taskQueue, faultSpec(id, { shards: 1, parallelism: 1, replaySpeedup: o.replaySpeedup }));
    await waitFor(rig.client, workflowId, (s) => s.status.phase === 'RUNNING' && s.status.capacity !== null, 'RUNNING', t);

    const plan = [{ shards: 2, parallelism: 2 }, { shards: 1, parallelism: 1 }];
    for (let i = 0; i < o.restarts; i++) {
      const target = plan[i % 2]!;
      const shardCallsBefore = rig.calls('UpdateShardCount', `${id}-trips`).length;
      const action = override(rig.client, workflowId, { ...target, reason: `restart ${i + 1}` }, `${id}-r${i + 1}`, t);
      action.catch(() => undefined);
      // Down while the reshard is under way: the action waits in its settle activity.
      const deadline = Date.now() + t;
      while (rig.calls('UpdateShardCount', `${id}-trips`).length === shardCallsBefore) {
        if (Date.now() > deadline) throw new Error(`restart ${i + 1}: UpdateShardCount never called`);
        await pause(100);
      }
      await server.stop();
      o.log(`Temporal dev server stopped (restart ${i + 1})`);
      const downUntil = Date.now() + o.downMs;
      while (Date.now() < downUntil) {
        for (const url of [`/pipelines/${id}`, '/pipelines']) {
          const r = await api.inject({ method: 'GET', url });
          const key = `GET ${url === '/pipelines' ? '/pipelines' : '/pipelines/:id'} ${r.statusCode}`;
          answersWhileDown[key] = (answersWhileDown[key] ?? 0) + 1;
          if (r.statusCode === 503 && !r.headers['retry-after']) unavailableWithoutRetryAfter += 1;
          if (r.statusCode !== 200 && r.statusCode !== 503) problems.push(`${key} while the server was down: ${r.body.slice(0, 200)}`);
          if (r.statusCode === 200 && url !== '/pipelines') {
            const f = (r.json() as { freshness?: { ageMs: number; maxStalenessMs: number } }).freshness;
            if (!f || f.ageMs > f.maxStalenessMs) problems.push(`a read older than its bound was served: ${JSON.stringify(f)}`);
          }
        }
        await pause(500);
      }
      await server.start();
      const restartedAt = Date.now();
      o.log(`Temporal dev server started again on the same SQLite file (restart ${i + 1})`);
      // The API recovers by itself: a fresh answer from the workflow, and the list again.
      for (;;) {
        const one = await api.inject({ method: 'GET', url: `/pipelines/${id}` });
        const list = await api.inject({ method: 'GET', url: '/pipelines' });
        const source = one.statusCode === 200 ? (one.json() as { freshness?: { source?: string } }).freshness?.source : undefined;
        if (one.statusCode === 200 && source === 'query' && list.statusCode === 200) break;
        if (Date.now() - restartedAt > t) throw new Error(`the API did not recover within ${t} ms: ${one.statusCode} ${list.statusCode}`);
        await pause(500);
      }
      apiRecoverySeconds.push((Date.now() - restartedAt) / 1000);
      const done = await action;
      actionResumeSeconds.push((Date.now() - restartedAt) / 1000);
      const kinds = done.history.filter((r) => r.kind !== 'decision').map((r) => `${r.kind}:${r.outcome}`);
      if (kinds.slice(-3).join() !== 'override:ok,action:ok,verification:ok') problems.push(`restart ${i + 1}: the action ended ${JSON.stringify(kinds.slice(-4))}`);
      if (done.status.capacity?.shards !== target.shards || done.status.capacity.parallelism !== target.parallelism) {
        problems.push(`restart ${i + 1}: capacity ${JSON.stringify(done.status.capacity)}, expected ${JSON.stringify(target)}`);
      }
      problems.push(...await capacityProblems(rig, id, done));
    }
    const done = await waitFor(rig.client, workflowId, (s) => s.status.replay?.state === 'completed', 'the replay to complete', t);
    problems.push(...accountCalls(rig, id, done.history).problems);
    const read = await missingTrips(rig, id);
    if (read.missing > 0) problems.push(`${read.missing} trips missing reading the stream back`);
    if (worker.child.exit) problems.push(`the worker exited while the server was away: ${JSON.stringify(worker.child.exit)} ${worker.lines.slice(-5).join(' | ')}`);
    const deleted = await api.inject({ method: 'DELETE', url: `/pipelines/${id}` });
    if (deleted.statusCode !== 202) problems.push(`DELETE answered ${deleted.statusCode}`);
    const final = await rig.client.workflow.getHandle(workflowId).result() as { phase?: string };
    if (final.phase !== 'DELETED') problems.push(`teardown ended in ${final.phase}`);
    return {
      restarts: o.restarts, answersWhileDown, unavailableWithoutRetryAfter, apiRecoverySeconds, actionResumeSeconds,
      workerRestarts: rig.restartSeconds.length - 1, problems, durationSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    await app?.close();
    await rig?.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
