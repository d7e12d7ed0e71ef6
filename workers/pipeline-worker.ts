/**
 * Builds the worker that runs shardpilot's workflows and activities from the typed
 * config: Temporal connection (TLS / API key for a cluster or Temporal Cloud), AWS
 * clients (emulator endpoints and dummy credentials when local), and the Worker itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { AppConfig, TemporalConfig } from '../config/index.js';
import { temporalAuthOptions } from '../config/temporal-connection.js';
import { createActivities } from '../activities/index.js';
import { createAwsClients, createRoleClients, destroyAwsClients } from '../activities/aws/clients.js';
import { defaultBuildId, DEPLOYMENT_NAME, workerIdentity } from './build-id.js';
import { bundleWorkflowsQuietly } from './bundle.js';

/** The bundler follows the `.js` specifiers of our TypeScript sources to the `.ts` files. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * Compiled (`npm run build`, this module is `dist/workers/pipeline-worker.js`): the
 * workflow code was bundled at build time, so the worker starts without webpack and runs
 * exactly the bundle that was built and shipped. From TypeScript (tsx): bundle at start.
 */
const COMPILED = import.meta.url.endsWith('.js');
export const PREBUILT_BUNDLE = fileURLToPath(new URL('../workflow-bundle.js', import.meta.url));

/**
 * The workflow bundle's code, read or bundled here rather than by Worker.create, so the default build id can be its hash.
 * `prebuilt` (SHARDPILOT_WORKFLOW_BUNDLE): that file, compiled or not (the tests start many workers from TypeScript).
 */
async function workflowCode(prebuilt: string | undefined): Promise<string> {
  if (prebuilt !== undefined) return readFileSync(prebuilt, 'utf8');
  if (!COMPILED) return bundleWorkflowsQuietly(WORKFLOWS_PATH);
  if (!existsSync(PREBUILT_BUNDLE)) throw new Error(`${PREBUILT_BUNDLE} is missing: run \`npm run build\`.`);
  return readFileSync(PREBUILT_BUNDLE, 'utf8');
}

/**
 * The pipeline publishes its status in its memo (workflows/lifecycle/publish.ts): about 1.5 KB,
 * more with replay progress and error texts. The SDK warns from 2 KB (the server's default warn
 * level) on every upsert; the server refuses only far above (32 KB by default).
 */
const MEMO_WARN_BYTES = 8 * 1024;

export async function connectTemporal(temporal: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect({
    address: temporal.address, ...temporalAuthOptions(temporal), payloadLimits: { memoWarnSize: MEMO_WARN_BYTES },
  });
}

/** A client connection for activities that message other workflows (the calibration reaching its pipeline). */
export async function connectTemporalClient(temporal: TemporalConfig): Promise<Client> {
  const connection = await Connection.connect({ address: temporal.address, ...temporalAuthOptions(temporal) });
  return new Client({ connection, namespace: temporal.namespace });
}

export interface PipelineWorker {
  worker: Worker;
  /** In the worker's identity on every task event it causes (see docs/upgrades.md). */
  buildId: string;
  /** Releases the connection and the AWS clients once the worker has stopped. */
  close(): Promise<void>;
}

/**
 * Sized for hundreds of pipelines on one worker (bench:control-plane, issue 11). A worker takes a
 * task per open poll, and every poll waits for the server to record the task as started, so polls
 * match slots (the SDK's default of 10 polls under 40 slots capped throughput at the server's
 * latency). But every workflow activation runs on the worker's one workflow thread, so a task
 * taken is a task held: with 40 slots, a create or delete burst held 40 tasks that the thread
 * worked through in turn, and on a busy machine many outlived their 10 s start-to-close timeout.
 * The bench's split of task time put it on the worker (30 pipelines created and deleted at once,
 * niced, load 9–15): 40 slots — 339 tasks over 1 s, 24 timeouts (23 START_TO_CLOSE), the SDK's
 * own execution time mean 1.2 s in the burst while the server's persistence p99 stayed ≤ 500 ms,
 * all RUNNING after 127 s; 8 slots — 6 over 1 s, 0 timeouts, execution mean 180 ms, all RUNNING
 * after 15 s. Tasks not taken wait on the server, where any worker can take them.
 *
 * The sticky schedule-to-start timeout stays at the SDK's 10 s. Raising it to 30 s (for the
 * delete-200 burst's sticky-queue timeouts) kept a crashed worker's sticky queue in charge of
 * its workflows three times as long: queries to them failed with "no poller seen for task queue
 * recently" until the stuck task timed out, which test/e2e/provisioning-crash.test.ts caught.
 */
export const WORKER_TUNING = {
  maxConcurrentWorkflowTaskExecutions: 8,
  workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: 8 },
  activityTaskPollerBehavior: { type: 'simple-maximum', maximum: 20 },
} as const;

/** `bundledCode`: workflow code bundled beforehand (the fault tests share one bundle across many worker restarts). */
export async function createPipelineWorker(config: AppConfig, bundledCode?: string): Promise<PipelineWorker> {
  const code = bundledCode ?? await workflowCode(config.workflowBundle);
  const buildId = config.buildId ?? defaultBuildId(code);
  const connection = await connectTemporal(config.temporal);
  const clients = createAwsClients(config.aws);
  // Pipelines whose spec names a roleArn make their AWS calls as that role (docs/operations.md, IAM).
  const { roles, sts } = createRoleClients(config.aws);
  const release = () => {
    destroyAwsClients(clients);
    roles.destroy();
    sts.destroy();
  };
  let client: Client | undefined;
  try {
    client = await connectTemporalClient(config.temporal);
    const worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      workflowBundle: { code },
      identity: workerIdentity(buildId),
      // Declared but not routed by (upgrades rely on patched() and the replay suite, docs/upgrades.md);
      // routing is then a one-line change. The identity is what the UI shows today.
      workerDeploymentOptions: { version: { deploymentName: DEPLOYMENT_NAME, buildId }, useWorkerVersioning: false },
      activities: createActivities({
        ...clients, dataDir: config.dataDir, publicationDelaySeconds: config.aws.publicationDelaySeconds, temporal: client, roles,
      }),
      // Long waits heartbeat and resume elsewhere; no need to hold a shutdown for them.
      shutdownGraceTime: '10 seconds',
      ...WORKER_TUNING,
      // The replay resumes from its last heartbeat after a crash; sending heartbeats to the
      // server at least every second keeps the re-sent tail (duplicates) to about a second.
      maxHeartbeatThrottleInterval: '1 second',
    });
    return {
      worker,
      buildId,
      close: async () => {
        await connection.close();
        await client?.connection.close();
        release();
      },
    };
  } catch (err) {
    await connection.close();
    await client?.connection.close();
    release();
    throw err;
  }
}
