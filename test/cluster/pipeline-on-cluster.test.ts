/**
 * Issue 15's acceptance: on the production topology (Temporal's four services as
 * separate processes on PostgreSQL, two shardpilot workers, the API), a pipeline driven
 * only through the HTTP API reaches its expected state although the worker running its
 * scaling action is SIGKILLed and the history service is restarted meanwhile — and the
 * emulator's call log shows every AWS action exactly once (none lost, none doubled).
 * The same scenario runs against the services from TypeScript (tsx) and compiled
 * (`npm run build`, plain node, the prebuilt workflow bundle).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api, emulatorCalls, pendingActivityWorkers, startTestCluster, startTestServices, until, workerName,
  type EmulatorCall, type TestCluster, type TestServices,
} from './support.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
});

afterAll(async () => {
  await cluster?.close();
});

const WORKERS = 2;

/** The parent of a process: the worker's node process runs under its with-parent.sh wrapper. */
function parentPid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Calls of `operation` that name this stream or application, as `outcome` strings. */
function outcomes(calls: EmulatorCall[], operation: string, resource: string): string[] {
  return calls
    .filter((c) => c.operation === operation && JSON.stringify(c.params).includes(`"${resource}"`))
    .map((c) => (c.outcome === 'ok' ? 'ok' : `error:${c.error}`));
}

describe.each(['tsx', 'compiled'] as const)('a pipeline on the Temporal cluster with %s services', (runtime) => {
  let services: TestServices;

  beforeAll(async () => {
    services = await startTestServices(cluster, runtime, WORKERS);
  });

  afterAll(async () => {
    await services?.close();
  });

  it('scales once and tears down cleanly although its worker is killed and the history service restarts mid-action', async () => {
    const id = `cluster-${runtime}`;
    const stream = `${id}-trips`;
    const application = `${id}-hotspots`;
    const created = await api(services, 'POST', '/pipelines', {
      id,
      stream: { shardCount: 1 },
      application: { parallelism: 1 },
      scaling: { policy: 'none', enabled: false, intervalSeconds: 5, periodSeconds: 5, settleTimeoutSeconds: 180, verifyTimeoutSeconds: 120 },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const phase = async () => (await api(services, 'GET', `/pipelines/${id}`)).json?.phase as string | undefined;
    await until(`${id} RUNNING`, phase, (p) => p === 'RUNNING' || p === 'FAILED', 180_000);
    expect(await phase()).toBe('RUNNING');

    const scaled = await api(services, 'POST', `/pipelines/${id}/scale`, { shards: 2, parallelism: 2, reason: 'cluster e2e' });
    expect(scaled.status, JSON.stringify(scaled.json)).toBe(200);

    // The emulator reshards for 8 s: the action is then inside its settle wait, an activity on one of the workers.
    await until('UpdateShardCount', () => emulatorCalls(services), (calls) => outcomes(calls, 'UpdateShardCount', stream).includes('ok'), 60_000);
    const pending = await until('a pending activity of the action', () => pendingActivityWorkers(cluster.cluster.frontendAddress, `pipeline-${id}`),
      (list) => list.some((a) => a.identity !== ''), 30_000);
    const victimPid = Number(pending.find((a) => a.identity !== '')?.identity.split('@')[0]);
    const victim = [...Array(WORKERS).keys()].map(workerName).find((name) => services.components.get(name)?.pid === parentPid(victimPid));
    expect(victim, `the pending activity's worker ${victimPid} is one of ours`).toBeDefined();
    await services.components.kill(victim!);
    await cluster.cluster.restartService('history');

    const history = await until('the action to be verified on the surviving worker',
      async () => (await api(services, 'GET', `/pipelines/${id}/scaling`)).json?.history as Array<{ kind: string; outcome: string }> | undefined,
      (h) => h !== undefined && h.some((r) => (r.kind === 'verification' || r.kind === 'rollback')), 300_000);
    expect((history ?? []).map((r) => `${r.kind}:${r.outcome}`)).toEqual(['override:ok', 'action:ok', 'verification:ok']);
    const status = (await api(services, 'GET', `/pipelines/${id}`)).json;
    expect(status).toMatchObject({ phase: 'RUNNING', capacity: { shards: 2, parallelism: 2 } });

    const deleted = await api(services, 'DELETE', `/pipelines/${id}`);
    expect(deleted.status).toBe(202);
    await until(`${id} DELETED`, phase, (p) => p === 'DELETED' || p === 'FAILED', 180_000);
    expect(await phase()).toBe('DELETED');

    const calls = await emulatorCalls(services);
    const once = ['ok'];
    expect({
      CreateStream: outcomes(calls, 'CreateStream', stream),
      CreateApplication: outcomes(calls, 'CreateApplication', application),
      StartApplication: outcomes(calls, 'StartApplication', application),
      UpdateShardCount: outcomes(calls, 'UpdateShardCount', stream),
      UpdateApplication: outcomes(calls, 'UpdateApplication', application),
      StopApplication: outcomes(calls, 'StopApplication', application),
      DeleteApplication: outcomes(calls, 'DeleteApplication', application),
      DeleteStream: outcomes(calls, 'DeleteStream', stream),
    }).toEqual({
      CreateStream: once, CreateApplication: once, StartApplication: once, UpdateShardCount: once,
      UpdateApplication: once, StopApplication: once, DeleteApplication: once, DeleteStream: once,
    });
  });
});
