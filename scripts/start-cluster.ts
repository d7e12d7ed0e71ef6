/**
 * `npm run start:cluster [-- --compiled] [--workers N]`: the production topology on one
 * machine — PostgreSQL, the Temporal frontend, history, matching and worker services as
 * separate processes, the Temporal UI, then the AWS emulator, shardpilot workers (two by
 * default) and the API. One line per component when it is ready; every process logs to
 * `<data folder>/cluster/logs/<component>.log`. State (PostgreSQL) survives restarts;
 * Ctrl-C stops everything in reverse order.
 */
import { isAbsolute, join } from 'node:path';
import { loadConfigOrExit } from '../config/index.js';
import { Components } from './cluster/components.js';
import { LocalCluster, defaultPorts } from './cluster/local-cluster.js';
import { ROOT, startShardpilot, type Runtime } from './cluster/shardpilot.js';
import { readClusterTools } from './cluster/tools.js';

const READY_TIMEOUT_MS = 180_000;

function log(line: string): void {
  process.stdout.write(`[cluster] ${line}\n`);
}

function flagValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const runtime: Runtime = process.argv.includes('--compiled') ? 'compiled' : 'tsx';
  const workers = Number(flagValue('--workers') ?? 2);
  if (!Number.isInteger(workers) || workers < 1 || workers > 16) {
    process.stderr.write('--workers must be a whole number from 1 to 16\n');
    process.exit(1);
  }
  const [host, port] = [config.temporal.address.slice(0, config.temporal.address.lastIndexOf(':')), Number(config.temporal.address.split(':').pop())];
  if (host !== '127.0.0.1' && host !== 'localhost') {
    process.stderr.write(`start:cluster runs its own Temporal cluster on 127.0.0.1; TEMPORAL_ADDRESS=${config.temporal.address} names another. Unset it, or run only \`npm run worker\` and \`npm run api\` against that cluster.\n`);
    process.exit(1);
  }
  const tools = readClusterTools();
  const dataDir = isAbsolute(config.dataDir) ? config.dataDir : join(ROOT, config.dataDir);
  const dir = join(dataDir, 'cluster');
  const components = new Components(join(dir, 'logs'));
  const ready = (component: string, detail: string) => log(`${component.padEnd(9)} ready: ${detail}`);

  let stopping: Promise<void> | undefined;
  const stop = (code: number) => {
    stopping ??= (async () => {
      log('stopping…');
      await components.stopAll();
      log(code === 0 ? 'stopped' : 'stopped after a failure');
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  components.onUnexpectedExit = (name, detail) => {
    log(`${name} exited unexpectedly (${detail})`);
    void stop(1);
  };

  const uiPort = Number(new URL(config.temporal.uiUrl).port || 8233);
  const emulatorUrl = `http://127.0.0.1:${config.emulator.port}`;
  const apiUrl = `http://127.0.0.1:${config.api.port}`;
  log(`starting Temporal ${tools.serverVersion} on PostgreSQL (logs in ${components.logDir})`);
  try {
    const cluster = await LocalCluster.start({
      tools, dir, ports: defaultPorts(port, uiPort), namespace: config.temporal.namespace, ui: true, readyTimeoutMs: READY_TIMEOUT_MS, onReady: ready,
    }, components);
    await startShardpilot(components, {
      runtime,
      workers,
      emulatorUrl,
      apiUrl,
      readyTimeoutMs: READY_TIMEOUT_MS,
      onReady: ready,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: cluster.frontendAddress,
        TEMPORAL_NAMESPACE: config.temporal.namespace,
        TEMPORAL_UI_URL: cluster.uiUrl,
        AWS_ENDPOINT_URL: emulatorUrl,
        AWS_REGION: config.aws.region,
        AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'test',
        AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
      },
    });
  } catch (err) {
    log(`start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    return stop(1);
  }
  log(`ready (${runtime} services) — API ${apiUrl}, Temporal UI http://127.0.0.1:${uiPort}; Ctrl-C stops everything`);
}

await main();
