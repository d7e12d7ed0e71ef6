/**
 * What an operator scrapes and ships from a worker process: Prometheus metrics on
 * METRICS_PORT (the Temporal runtime's own and shardpilot's counters of decisions,
 * actions and rollbacks per policy), `/healthz` on WORKER_HEALTH_PORT while it polls,
 * and JSON log lines that carry the pipeline and workflow ids.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/dev-server.js';
import type { ManagedChild } from '../../scripts/processes.js';
import { startTestApi, terminateAllOn, type TestApi } from '../api/support/app.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { uniqueTaskQueue } from '../support/temporal.js';
import { startWorkerProcess, until } from '../support/worker-process.js';

/** `name{a="x",b="y"} 3` → the value of the first sample whose labels include all of `labels`. */
function sample(metrics: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of metrics.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)/.exec(line);
    if (match === null || match[1] !== name) continue;
    const present = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => present[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('worker observability', () => {
  let emulator: TestEmulator;
  let api: TestApi;
  let worker: ManagedChild | undefined;
  const lines: string[] = [];
  const taskQueue = uniqueTaskQueue('observability');
  let metricsPort = 0;
  let healthPort = 0;

  beforeAll(async () => {
    emulator = await startTestEmulator({ kinesis: { createStreamMs: 50, deleteStreamMs: 50, updateShardCountMs: 200 } });
    api = await startTestApi({ taskQueue, callTimeoutMs: 10_000 });
    metricsPort = await freePort();
    healthPort = await freePort();
    worker = await startWorkerProcess(taskQueue, emulator.url, lines, {
      METRICS_PORT: String(metricsPort), WORKER_HEALTH_PORT: String(healthPort), LOG_FORMAT: 'json', LOG_LEVEL: 'debug',
      // The SDK core warns (TMPRL1104) about every workflow task longer than this: 0 s provokes the warning a
      // CPU-starved worker prints after 5 s, so its line is checked too.
      TEMPORAL_WORKFLOW_TASK_DURATION_WARN_SECONDS: '0',
    });
  });

  afterAll(async () => {
    if (api) await terminateAllOn(api.client, taskQueue).catch(() => undefined);
    await worker?.stop(10_000);
    await api?.close();
    await emulator?.stop();
  });

  it('serves Temporal and shardpilot metrics, a health check, and JSON logs (the SDK core\'s too) with pipeline ids', { timeout: 180_000 }, async () => {
    const health = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ state: 'RUNNING' });

    const id = `obs-${randomBytes(3).toString('hex')}`;
    const created = await api.app.inject({
      method: 'POST', url: '/pipelines',
      payload: {
        id, stream: { shardCount: 1 }, application: { parallelism: 1 },
        scaling: { policy: 'none', enabled: true, intervalSeconds: 1, periodSeconds: 1, cooldownSeconds: 0, settleTimeoutSeconds: 3, verifyTimeoutSeconds: 15 },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const kinds = async () => (await api.app.inject({ method: 'GET', url: `/pipelines/${id}/scaling` })).json()?.history?.map((r: { kind: string; outcome: string }) => `${r.kind}:${r.outcome}`) ?? [];
    await until('the first policy decision', async () => (await kinds()).some((k: string) => k.startsWith('decision:')), 60_000);
    expect((await api.app.inject({ method: 'POST', url: `/pipelines/${id}/scale`, payload: { shards: 2 } })).statusCode).toBe(200);
    await until('the override verified', async () => (await kinds()).includes('verification:ok'), 60_000);
    await fetch(`${emulator.url}/_emulator/flink/faults`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ application: `${id}-hotspots`, fault: 'stuck-updating' }),
    });
    expect((await api.app.inject({ method: 'POST', url: `/pipelines/${id}/scale`, payload: { parallelism: 2 } })).statusCode).toBe(200);
    await until('the stuck update rolled back', async () => (await kinds()).includes('rollback:ok'), 60_000);

    let metrics = '';
    await until('the counters to be exported', async () => {
      metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return (sample(metrics, 'shardpilot_scaling_rollbacks', { policy: 'none', outcome: 'ok' })
        ?? sample(metrics, 'shardpilot_scaling_rollbacks_total', { policy: 'none', outcome: 'ok' })) !== undefined;
    }, 30_000);
    const counter = (name: string, labels: Record<string, string>) => sample(metrics, name, labels) ?? sample(metrics, `${name}_total`, labels);
    expect(counter('shardpilot_scaling_decisions', { policy: 'none', source: 'policy' })).toBeGreaterThanOrEqual(1);
    expect(counter('shardpilot_scaling_actions', { policy: 'none', source: 'override', outcome: 'ok' })).toBe(1);
    expect(counter('shardpilot_scaling_actions', { policy: 'none', source: 'override', outcome: 'failed' })).toBe(1);
    expect(counter('shardpilot_scaling_rollbacks', { policy: 'none', outcome: 'ok' })).toBe(1);
    // The Temporal runtime's own series, from the same endpoint.
    expect(metrics).toMatch(/^temporal_workflow_completed|^temporal_worker_task_slots_available|^temporal_activity_execution_latency/m);
    expect(metrics).toContain(`task_queue="${taskQueue}"`);

    const json = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.trim() !== '' && !l.startsWith('{')), 'worker log lines that are not JSON (stdout and stderr)').toEqual([]);
    expect(json.some((l) => l.msg !== undefined && typeof l.time === 'string' && typeof l.level === 'string')).toBe(true);
    // The core's own warnings reach the same JSON logger, with their level and fields.
    expect(json.find((l) => String(l.msg).includes('[TMPRL1104]')), 'a JSON line with the core\'s TMPRL1104 warning')
      .toMatchObject({ level: 'warn', sdkComponent: 'core', workflowType: 'pipelineWorkflow' });
    const aboutPipeline = json.filter((l) => l.pipelineId === id);
    expect(aboutPipeline.length).toBeGreaterThan(0);
    expect(aboutPipeline.every((l) => l.workflowId === `pipeline-${id}`)).toBe(true);
  });
});
