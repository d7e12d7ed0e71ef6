/**
 * Helpers for workflow tests: a client connected to the run's dev server and a real
 * Worker on a task queue of its own, so test files never see each other's tasks.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../scripts/dev-server.js';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { inject } from 'vitest';

let runtimeInstalled = false;

/** Core's INFO logs would drown the test output; warnings and errors still show. */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by this process (e.g. a test installed its own): keep that one.
  }
}

export function temporalAddress(): string {
  return inject('temporalAddress');
}

export function temporalNamespace(): string {
  return inject('temporalNamespace');
}

/** A unique task queue per call, so parallel test files never steal each other's tasks. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

export async function testConnection(): Promise<Connection> {
  return Connection.connect({ address: temporalAddress() });
}

/** The caller closes it with `client.connection.close()`. */
export async function createTestClient(): Promise<Client> {
  return new Client({ connection: await testConnection(), namespace: temporalNamespace() });
}

export interface RunWorkerOptions {
  /** Another server than the run's (e.g. a stack under test); default is the run's dev server. */
  address?: string;
  taskQueue?: string;
  activities?: object;
  /** Bundles this path for the Worker (seconds); default is the run's shared bundle. */
  workflowsPath?: string;
  /** Further Worker options, e.g. `maxConcurrentActivityTaskExecutions`. */
  worker?: Partial<Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'activities' | 'workflowsPath' | 'workflowBundle'>>;
}

export interface WorkerContext {
  taskQueue: string;
  worker: Worker;
}

/** Runs `fn` while a real Worker polls; the Worker is shut down (and drained) afterwards. */
export async function runWorker<T>(options: RunWorkerOptions, fn: (ctx: WorkerContext) => Promise<T>): Promise<T> {
  quietRuntime();
  const taskQueue = options.taskQueue ?? uniqueTaskQueue();
  const connection = await NativeConnection.connect({ address: options.address ?? temporalAddress() });
  try {
    const worker = await Worker.create({
      ...options.worker,
      connection,
      namespace: temporalNamespace(),
      taskQueue,
      activities: options.activities ?? {},
      ...workflowSource(options.workflowsPath),
    });
    return await worker.runUntil(() => fn({ taskQueue, worker }));
  } finally {
    await connection.close();
  }
}

function workflowSource(workflowsPath: string | undefined): Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'> {
  if (workflowsPath !== undefined) return { workflowsPath };
  const codePath = inject('workflowBundlePath');
  if (codePath === '') throw new Error(`The shared workflow bundle failed to build: ${inject('workflowBundleError')}`);
  return { workflowBundle: { codePath } };
}

/**
 * A namespace of its own, with the pipeline search attributes, for a test whose API lists and
 * changes every pipeline it can see (the contract fuzzer): in the shared namespace it would
 * reach other files' pipelines and change or delete them mid-test.
 */
export async function isolatedNamespace(name: string): Promise<string> {
  const connection = await Connection.connect({ address: temporalAddress() });
  try {
    await connection.workflowService.registerNamespace({ namespace: name, workflowExecutionRetentionPeriod: msToTs('1 day') });
    const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    const wanted = Object.keys(SEARCH_ATTRIBUTES);
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await connection.operatorService.addSearchAttributes({
          namespace: name, searchAttributes: Object.fromEntries(wanted.map((n) => [n, keyword])),
        });
      } catch {
        // The namespace may not be visible to every service yet, or the attributes exist already.
      }
      try {
        const listed = await connection.operatorService.listSearchAttributes({ namespace: name });
        if (wanted.every((n) => n in (listed.customAttributes ?? {}))) return name;
      } catch {
        // Not visible yet.
      }
      if (Date.now() > deadline) throw new Error(`namespace ${name} or its search attributes did not become usable within 60 s`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await connection.close();
  }
}
