/**
 * The fault suite's stage, free of vitest so `npm run bench:faults` uses it too: an
 * emulator in this process (its fault draws from the seeded generator), a Temporal
 * client, and a pool of real worker processes on one task queue that can be SIGKILLed
 * and replaced at any moment.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { Client, Connection } from '@temporalio/client';
import type { EmulatorOverrides } from '../../../emulator/config.js';
import { startEmulator, type RunningEmulator } from '../../../emulator/server.js';
import { ManagedChild } from '../../../scripts/processes.js';
import type { Random } from './seed.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const WORKER_ENTRY = resolve(import.meta.dirname, 'worker.ts');
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface RigOptions {
  temporalAddress: string;
  namespace: string;
  /** The prebuilt workflow bundle every worker process loads. */
  bundlePath: string;
  random: Random;
  emulator?: EmulatorOverrides;
  /** Progress lines (kills, restarts); the bench prints them, tests keep them for failure messages. */
  log?: (line: string) => void;
}

export interface WorkerProcess {
  child: ManagedChild;
  /** The node process's pid, part of its Temporal identity (`<pid>@host …`). */
  pid: number;
  lines: string[];
}

export class FaultRig {
  readonly taskQueue = `faults-${randomUUID()}`;
  readonly workers: WorkerProcess[] = [];
  readonly kinesis: KinesisClient;
  readonly flink: KinesisAnalyticsV2Client;
  readonly cloudwatch: CloudWatchClient;
  /** Reads streams back while faults are on: retries well past the SDK's default three attempts. */
  readonly reader: KinesisClient;
  /** SIGKILLs so far, and the seconds each replacement took to poll. */
  kills = 0;
  readonly restartSeconds: number[] = [];
  /** The last lines of workers already killed (a failure message shows them: a worker logs its failing workflow tasks). */
  private readonly retired: { pid: number; lines: string[] }[] = [];
  /**
   * Workers that exited although nobody stopped them (a crash: e.g. an unhandled rejection ends a Node process).
   * Nothing polls the task queue then, and every workflow and query waits: a scenario reports these first.
   */
  readonly unexpectedExits: string[] = [];
  private readonly stopping = new Set<number>();
  private readonly log: (line: string) => void;

  private constructor(readonly options: RigOptions, readonly emulator: RunningEmulator, readonly client: Client) {
    const target = { endpoint: emulator.url, region: REGION, credentials: CREDENTIALS };
    // The checks read AWS through the same injected faults as the pipelines: with the SDK's 3 attempts, a check's
    // DescribeApplication failed all three at 25 % throttling + 500s (bench:faults seed 691725728, app-stuck).
    const checking = { ...target, maxAttempts: 12 };
    this.kinesis = new KinesisClient(checking);
    this.flink = new KinesisAnalyticsV2Client(checking);
    this.cloudwatch = new CloudWatchClient(checking);
    this.reader = new KinesisClient(checking);
    this.log = options.log ?? (() => undefined);
  }

  static async start(options: RigOptions): Promise<FaultRig> {
    const emulator = await startEmulator({
      profile: 'test', random: options.random, overrides: { port: 0, callLogLimit: 500_000, ...options.emulator },
    });
    const connection = await Connection.connect({ address: options.temporalAddress });
    return new FaultRig(options, emulator, new Client({ connection, namespace: options.namespace }));
  }

  /** Starts one more worker process and resolves once it polls the task queue. */
  async startWorker(extraEnv: Record<string, string> = {}): Promise<WorkerProcess> {
    const lines: string[] = [];
    const started = Date.now();
    const child = new ManagedChild({
      name: 'worker',
      command: process.execPath,
      args: ['--import', 'tsx', WORKER_ENTRY],
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TEMPORAL_ADDRESS: this.options.temporalAddress,
        TEMPORAL_NAMESPACE: this.options.namespace,
        TEMPORAL_TASK_QUEUE: this.taskQueue,
        AWS_ENDPOINT_URL: this.emulator.url,
        AWS_REGION: REGION,
        LOG_LEVEL: 'warn',
        FAULTS_WORKFLOW_BUNDLE: this.options.bundlePath,
        ...extraEnv,
      },
      onLine: (line) => {
        lines.push(line);
        if (lines.length > 400) lines.splice(0, 200);
      },
    });
    const deadline = Date.now() + 180_000;
    let pid: number | undefined;
    while (pid === undefined) {
      if (child.exit) throw new Error(`worker exited before it polled (${JSON.stringify(child.exit)}): ${lines.slice(-20).join('\n')}`);
      if (Date.now() > deadline) {
        child.killNow();
        throw new Error(`worker did not poll within 180 s: ${lines.slice(-20).join('\n')}`);
      }
      const ready = lines.find((l) => l.startsWith('worker ready pid='));
      if (ready) pid = Number(ready.slice('worker ready pid='.length));
      else await new Promise((r) => setTimeout(r, 100));
    }
    const worker = { child, pid, lines };
    this.workers.push(worker);
    const workerPid = pid;
    void child.exited.then((exit) => {
      if (this.stopping.has(workerPid)) return;
      const what = `worker pid ${workerPid} exited on its own (${JSON.stringify(exit)}); its last lines:\n  ${lines.slice(-20).join('\n  ')}`;
      this.unexpectedExits.push(what);
      this.log(what);
    });
    this.restartSeconds.push((Date.now() - started) / 1000);
    this.log(`worker pid ${pid} polling (${((Date.now() - started) / 1000).toFixed(1)} s to start)`);
    return worker;
  }

  /** SIGKILL, like a host that vanished: no draining, no goodbye to the server. */
  async kill(worker: WorkerProcess, why: string): Promise<void> {
    this.stopping.add(worker.pid);
    worker.child.killNow();
    await worker.child.exited;
    this.workers.splice(this.workers.indexOf(worker), 1);
    this.retired.push({ pid: worker.pid, lines: worker.lines.slice(-20) });
    this.kills += 1;
    this.log(`SIGKILL #${this.kills} worker pid ${worker.pid} (${why})`);
  }

  /** The last `count` log lines of every worker process so far (killed ones first), for a failure message. */
  workerTails(count = 20): string {
    const all = [...this.retired, ...this.workers.map((w) => ({ pid: w.pid, lines: w.lines }))];
    return all.map((w) => `worker ${w.pid}${this.workers.some((l) => l.pid === w.pid) ? ' (alive)' : ' (killed)'}: ` +
      (w.lines.length === 0 ? 'no output' : `\n  ${w.lines.slice(-count).join('\n  ')}`)).join('\n');
  }

  /** The emulator's call log for one operation, optionally only calls naming `resource`. */
  calls(operation: string, resource?: string) {
    return this.emulator.admin.calls({ operation })
      .filter((c) => resource === undefined || JSON.stringify(c.params).includes(`"${resource}"`));
  }

  async close(): Promise<void> {
    for (const w of this.workers.splice(0)) {
      this.stopping.add(w.pid);
      await w.child.stop(5_000);
    }
    this.kinesis.destroy();
    this.reader.destroy();
    this.flink.destroy();
    this.cloudwatch.destroy();
    await this.client.connection.close();
    await this.emulator.close();
  }
}
