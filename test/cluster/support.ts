/**
 * The production topology for tests: the Temporal cluster on PostgreSQL (free ports, a
 * temporary folder) and shardpilot's processes beside it, driven only through the HTTP
 * API, the emulator's admin API and Temporal's own gRPC API — as an operator would.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort, sleep } from '../../scripts/dev-server.js';
import { Components } from '../../scripts/cluster/components.js';
import { LocalCluster, freePorts } from '../../scripts/cluster/local-cluster.js';
import { startShardpilot, startWorker, workerName, type Runtime, type ShardpilotOptions } from '../../scripts/cluster/shardpilot.js';
import { readClusterTools } from '../../scripts/cluster/tools.js';

export const NAMESPACE = 'default';
const READY_TIMEOUT_MS = 300_000;

export interface TestCluster {
  cluster: LocalCluster;
  dir: string;
  close(): Promise<void>;
}

export async function startTestCluster(): Promise<TestCluster> {
  const tools = readClusterTools();
  // /tmp, not the repository: when we are root, PostgreSQL runs as `postgres` and must reach the folder.
  const dir = await mkdtemp(join(tmpdir(), 'shardpilot-cluster-'));
  await chmod(dir, 0o755);
  const components = new Components(join(dir, 'logs'));
  const cluster = await LocalCluster.start({
    tools, dir, ports: await freePorts(), namespace: NAMESPACE, ui: true, readyTimeoutMs: READY_TIMEOUT_MS,
  }, components);
  return {
    cluster,
    dir,
    async close() {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface TestServices {
  components: Components;
  options: ShardpilotOptions;
  apiUrl: string;
  emulatorUrl: string;
  taskQueue: string;
  close(): Promise<void>;
}

export async function startTestServices(cluster: TestCluster, runtime: Runtime, workers: number, extraEnv: Record<string, string> = {}): Promise<TestServices> {
  const emulatorPort = await freePort();
  const apiPort = await freePort();
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const taskQueue = `shardpilot-${runtime}`;
  const components = new Components(join(cluster.dir, 'logs', runtime));
  const options: ShardpilotOptions = {
    runtime,
    workers,
    emulatorUrl,
    apiUrl,
    readyTimeoutMs: READY_TIMEOUT_MS,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: cluster.cluster.frontendAddress,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: taskQueue,
      TEMPORAL_UI_URL: cluster.cluster.uiUrl,
      AWS_ENDPOINT_URL: emulatorUrl,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      EMULATOR_PORT: String(emulatorPort),
      API_PORT: String(apiPort),
      SHARDPILOT_DATA_DIR: join(cluster.dir, 'data'),
      LOG_LEVEL: 'info',
      ...extraEnv,
    },
  };
  await startShardpilot(components, options);
  return { components, options, apiUrl, emulatorUrl, taskQueue, close: () => components.stopAll() };
}

export { startWorker, workerName };

/** A JSON answer of the API, read loosely: the test asserts on the fields it needs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- shapes are asserted field by field
type ApiBody = any;

export async function api(services: TestServices, method: string, path: string, body?: unknown): Promise<{ status: number; json: ApiBody }> {
  const response = await fetch(`${services.apiUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : JSON.parse(text) };
}

export interface EmulatorCall {
  operation: string;
  outcome: string;
  error?: string;
  params: Record<string, unknown>;
}

export async function emulatorCalls(services: TestServices): Promise<EmulatorCall[]> {
  const response = await fetch(`${services.emulatorUrl}/_emulator/calls`, { signal: AbortSignal.timeout(10_000) });
  return ((await response.json()) as { calls: EmulatorCall[] }).calls;
}

export async function until<T>(what: string, probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError = '';
  for (;;) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 800)} ${lastError}`);
    }
    await sleep(250);
  }
}

/** The identity (`pid@host`) of the worker that last took each pending activity of a workflow. */
export async function pendingActivityWorkers(address: string, workflowId: string): Promise<Array<{ activity: string; identity: string }>> {
  const connection = await Connection.connect({ address });
  try {
    const description = await connection.workflowService.describeWorkflowExecution({ namespace: NAMESPACE, execution: { workflowId } });
    return (description.pendingActivities ?? []).map((a) => ({ activity: a.activityType?.name ?? '', identity: a.lastWorkerIdentity ?? '' }));
  } finally {
    await connection.close();
  }
}
