/**
 * `npm run start:local`: the Temporal dev server, the emulator, the worker and the API,
 * started in that order, each waited for; on Ctrl-C (or when any of them dies) all are
 * stopped in reverse order, process groups included, so nothing is left running.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { loadConfigOrExit, type AppConfig } from '../config/index.js';
import { createDemoPipeline } from './demo-pipeline.js';
import { devServerArgs, waitForTemporal } from './dev-server.js';
import { ManagedChild } from './processes.js';
import { portInUse, waitForHttp, waitForWorker } from './readiness.js';
import { requireTemporalCli } from './temporal-cli.js';

const ROOT = resolve(import.meta.dirname, '..');
const STOP_GRACE_MS = 10_000;
const READY_TIMEOUT_MS = 90_000;
const COLOURS = { temporal: 36, emulator: 35, worker: 33, api: 32, stack: 1 } as const;
type Tag = keyof typeof COLOURS;

const useColour = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;

function tagged(tag: Tag, line: string): string {
  const label = `[${tag}]`.padEnd(10);
  return useColour ? `\x1b[${COLOURS[tag]}m${label}\x1b[0m ${line}` : `${label} ${line}`;
}

function log(line: string): void {
  process.stdout.write(`${tagged('stack', line)}\n`);
}

/** Loopback hosts get a local dev server; any other TEMPORAL_ADDRESS is a cluster we only wait for. */
function isLocal(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

function splitHostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}

class Stack {
  private readonly children: ManagedChild[] = [];
  private shuttingDown: Promise<never> | undefined;

  constructor(private readonly env: Record<string, string | undefined>) {}

  start(tag: Tag, command: string, args: string[]): ManagedChild {
    const child = new ManagedChild({
      name: tag,
      command,
      args,
      cwd: ROOT,
      env: this.env,
      onLine: (line, stream) => (stream === 'stderr' ? process.stderr : process.stdout).write(`${tagged(tag, line)}\n`),
    });
    this.children.push(child);
    void child.exited.then((exit) => {
      if (child.isStopping || this.shuttingDown) return;
      log(`${tag} exited unexpectedly (${exit.signal ?? `code ${exit.code}`}); stopping the stack`);
      void this.shutdown(1);
    });
    return child;
  }

  /** Why a readiness wait should give up: its process is gone. */
  gone(child: ManagedChild): () => string | undefined {
    return () => (child.exit ? `${child.name} exited before it was ready (${child.exit.signal ?? `code ${child.exit.code}`})` : undefined);
  }

  shutdown(code: number): Promise<never> {
    this.shuttingDown ??= (async () => {
      for (const child of [...this.children].reverse()) {
        if (child.exit === undefined) log(`stopping ${child.name}…`);
        await child.stop(STOP_GRACE_MS);
      }
      log(code === 0 ? 'stopped' : 'stopped after a failure');
      process.exit(code);
    })();
    return this.shuttingDown;
  }
}

function childEnv(config: AppConfig): Record<string, string | undefined> {
  const emulatorUrl = `http://${displayHost(config.emulator.host)}:${config.emulator.port}`;
  return {
    ...process.env,
    AWS_ENDPOINT_URL: emulatorUrl,
    AWS_REGION: config.aws.region,
    // The emulator accepts any credentials; real-looking dummies keep the SDK's chain quiet.
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'test',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
    TEMPORAL_ADDRESS: config.temporal.address,
    TEMPORAL_NAMESPACE: config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
    FORCE_COLOR: useColour ? '1' : process.env.FORCE_COLOR,
    // People read this stack's output at a terminal; production keeps the JSON default.
    LOG_FORMAT: process.env.LOG_FORMAT ?? 'text',
  };
}

const ENTRY_POINTS = { emulator: 'emulator/main.ts', worker: 'workers/main.ts', api: 'api/server.ts' } as const;

function checkEntryPoints(): void {
  const missing = Object.entries(ENTRY_POINTS).filter(([, file]) => !existsSync(join(ROOT, file)));
  if (missing.length > 0) {
    const list = missing.map(([name, file]) => `${name} (${file})`).join(', ');
    process.stderr.write(`Cannot start the local stack: missing entry point(s): ${list}.\n`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const noDemo = process.argv.includes('--no-demo');
  const config = loadConfigOrExit();
  checkEntryPoints();

  const temporalAddress = splitHostPort(config.temporal.address);
  const localTemporal = isLocal(temporalAddress.host);
  const uiPort = Number(new URL(config.temporal.uiUrl).port || 8233);
  const apiUrl = `http://${displayHost(config.api.host)}:${config.api.port}`;
  const emulatorUrl = `http://${displayHost(config.emulator.host)}:${config.emulator.port}`;

  const busy: string[] = [];
  const ports: Array<[string, string, number]> = [
    ['emulator', displayHost(config.emulator.host), config.emulator.port],
    ['API', displayHost(config.api.host), config.api.port],
  ];
  if (localTemporal) ports.unshift(['Temporal', '127.0.0.1', temporalAddress.port], ['Temporal UI', '127.0.0.1', uiPort]);
  for (const [what, host, port] of ports) if (await portInUse(host, port)) busy.push(`${what} port ${port}`);
  if (busy.length > 0) {
    process.stderr.write(`Cannot start the local stack: ${busy.join(', ')} already in use (is another stack running?).\n`);
    process.exit(1);
  }

  const stack = new Stack(childEnv(config));
  process.on('SIGINT', () => void stack.shutdown(0));
  process.on('SIGTERM', () => void stack.shutdown(0));
  const tsx = (file: string): [string, string[]] => [process.execPath, ['--import', 'tsx', file]];

  try {
    if (localTemporal) {
      const dataDir = isAbsolute(config.dataDir) ? config.dataDir : join(ROOT, config.dataDir);
      mkdirSync(dataDir, { recursive: true });
      const dbFile = join(dataDir, 'temporal.sqlite');
      log(`starting the Temporal dev server (state in ${dbFile})…`);
      const server = stack.start('temporal', requireTemporalCli(process.env), devServerArgs({
        ip: temporalAddress.host === 'localhost' ? '127.0.0.1' : temporalAddress.host,
        port: temporalAddress.port,
        uiPort,
        dbFile,
        namespace: config.temporal.namespace,
        // Warnings are mostly the embedded system workers complaining during shutdown.
        logLevel: 'error',
      }));
      await waitForTemporal(config.temporal.address, config.temporal.namespace, { timeoutMs: READY_TIMEOUT_MS, abandoned: stack.gone(server) });
    } else {
      log(`using the Temporal cluster at ${config.temporal.address}`);
      await waitForTemporal(config.temporal, config.temporal.namespace, { timeoutMs: READY_TIMEOUT_MS });
    }
    log('Temporal is ready; starting the emulator…');

    const emulator = stack.start('emulator', ...tsx(ENTRY_POINTS.emulator));
    await waitForHttp(`${emulatorUrl}/_emulator/health`, { timeoutMs: READY_TIMEOUT_MS, abandoned: stack.gone(emulator) });
    log('emulator is ready; starting the worker…');

    const worker = stack.start('worker', ...tsx(ENTRY_POINTS.worker));
    await waitForWorker(config.temporal, config.temporal.namespace, config.temporal.taskQueue, {
      timeoutMs: READY_TIMEOUT_MS,
      abandoned: stack.gone(worker),
    });
    log('worker is polling; starting the API…');

    const api = stack.start('api', ...tsx(ENTRY_POINTS.api));
    await waitForHttp(`${apiUrl}/healthz`, { timeoutMs: READY_TIMEOUT_MS, abandoned: stack.gone(api) });
  } catch (err) {
    log(`start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    return stack.shutdown(1);
  }

  if (!noDemo) {
    const demo = await createDemoPipeline(apiUrl, config.api.token).catch((err: unknown) => ({
      ok: false,
      message: `demo pipeline not created: ${err instanceof Error ? err.message : String(err)}`,
    }));
    log(demo.message);
  }

  const urls: Array<[string, string]> = [
    ['API', apiUrl],
    ['API docs', `${apiUrl}/docs`],
    ['Dashboard', `${apiUrl}/dashboard${noDemo ? '' : '/demo'}`],
    ['Temporal UI', localTemporal ? `http://127.0.0.1:${uiPort}` : config.temporal.uiUrl],
    ['Emulator', `${emulatorUrl} (AWS_ENDPOINT_URL)`],
  ];
  log('ready — press Ctrl-C to stop everything');
  for (const [name, url] of urls) log(`  ${name.padEnd(12)} ${url}`);
}

await main();
