/**
 * The production-shaped Temporal cluster on one machine: a private PostgreSQL, the
 * schema set up by the server's SQL tool, the frontend, history, matching and worker
 * services as four processes of the official server binary, and the Web UI server.
 * Used by `npm run start:cluster` (fixed ports, state kept in the data folder) and by
 * the cluster e2e test (free ports, a temporary folder), which also restarts services.
 *
 * Server logs go to `<dir>/logs/<component>.log`, not to the console: start-up prints
 * one line per component when it is ready, and a failure prints the tail of its log.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SEARCH_ATTRIBUTES, freePort, waitForTemporal } from '../dev-server.js';
import { portInUse } from '../readiness.js';
import { Components } from './components.js';
import { ensureNamespace } from './namespace.js';
import { PostgresInstance } from './postgres.js';
import { ensureSchemas } from './schema.js';
import {
  DYNAMIC_CONFIG_FILE, TEMPORAL_SERVICES, writeTemporalConfig, writeUiConfig, type ClusterPorts, type TemporalService,
} from './temporal-config.js';
import type { ClusterTools } from './tools.js';

export interface LocalClusterOptions {
  tools: ClusterTools;
  /** Folder for PostgreSQL's data, the rendered configs and the logs. */
  dir: string;
  ports: ClusterPorts;
  namespace: string;
  ui: boolean;
  readyTimeoutMs: number;
  /** Called once per component as it becomes ready, with where it listens. */
  onReady?: (component: string, detail: string) => void;
}

/** Fixed ports of `npm run start:cluster`: the frontend on the configured port, the rest beside it as in Temporal's own samples. */
export function defaultPorts(frontend: number, ui: number): ClusterPorts {
  return {
    postgres: 55432,
    frontendHttp: 7243,
    ui,
    services: {
      frontend: { grpc: frontend, membership: 6933, metrics: 9090 },
      history: { grpc: 7234, membership: 6934, metrics: 9091 },
      matching: { grpc: 7235, membership: 6935, metrics: 9092 },
      worker: { grpc: 7239, membership: 6939, metrics: 9093 },
    },
  };
}

/** A port free right now below 32768: Temporal stores membership ports in a PostgreSQL smallint. */
async function freeMembershipPort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port found between 20000 and 32000 for Temporal membership');
}

export async function freePorts(): Promise<ClusterPorts> {
  const service = async () => ({ grpc: await freePort(), membership: await freeMembershipPort(), metrics: await freePort() });
  return {
    postgres: await freePort(),
    frontendHttp: await freePort(),
    ui: await freePort(),
    services: { frontend: await service(), history: await service(), matching: await service(), worker: await service() },
  };
}

export function allPorts(ports: ClusterPorts): number[] {
  return [
    ports.postgres, ports.frontendHttp, ports.ui,
    ...Object.values(ports.services).flatMap((s) => [s.grpc, s.membership, s.metrics]),
  ];
}

export class LocalCluster {
  private postgres: PostgresInstance | undefined;

  private constructor(
    private readonly options: LocalClusterOptions,
    readonly components: Components,
  ) {}

  get frontendAddress(): string {
    return `127.0.0.1:${this.options.ports.services.frontend.grpc}`;
  }

  get uiUrl(): string {
    return `http://127.0.0.1:${this.options.ports.ui}`;
  }

  get ports(): ClusterPorts {
    return this.options.ports;
  }

  /** Starts every component in dependency order; on failure stops what started and throws with the failing log's tail. */
  static async start(options: LocalClusterOptions, components = new Components(join(options.dir, 'logs'))): Promise<LocalCluster> {
    const cluster = new LocalCluster(options, components);
    try {
      await cluster.startAll();
      return cluster;
    } catch (err) {
      await components.stopAll();
      throw err;
    }
  }

  private async startAll(): Promise<void> {
    const { tools, dir, ports, readyTimeoutMs } = this.options;
    const busy: number[] = [];
    for (const port of allPorts(ports)) if (await portInUse('127.0.0.1', port)) busy.push(port);
    if (busy.length > 0) throw new Error(`ports already in use: ${busy.join(', ')} (is another cluster running?)`);

    this.postgres = await PostgresInstance.prepare({ bin: tools.postgresBin, dir: join(dir, 'postgres'), port: ports.postgres });
    const postgres = this.postgres;
    this.components.start('postgres', postgres.command());
    await this.components.waitUntil('postgres', () => postgres.isReady(), readyTimeoutMs);
    await ensureSchemas(tools, postgres);
    this.options.onReady?.('postgres', `PostgreSQL on 127.0.0.1:${ports.postgres}, data in ${postgres.pgdata}, Temporal schema up to date`);

    await writeTemporalConfig({
      configDir: join(dir, 'temporal-config'),
      ports,
      postgresPassword: postgres.password,
      dynamicConfigFile: DYNAMIC_CONFIG_FILE,
      numHistoryShards: 4,
      logLevel: 'warn',
    });
    // History first: frontend and matching route to the shards it owns.
    for (const service of ['history', 'matching', 'frontend', 'worker'] as const) {
      await this.startService(service);
    }
    await ensureNamespace({ address: this.frontendAddress }, this.options.namespace, readyTimeoutMs);
    await waitForTemporal(this.frontendAddress, this.options.namespace, { timeoutMs: readyTimeoutMs });
    this.options.onReady?.('namespace', `namespace ${this.options.namespace}, search attributes ${Object.keys(SEARCH_ATTRIBUTES).join(', ')}`);

    if (this.options.ui) {
      await writeUiConfig(join(dir, 'ui-config'), { port: ports.ui, frontend: this.frontendAddress, namespace: this.options.namespace });
      this.components.start('ui', {
        command: tools.uiServerBin, args: ['--root', dir, '--config', 'ui-config', '--env', 'cluster', 'start'],
        env: { PATH: process.env.PATH }, cwd: dir,
      });
      await this.components.waitUntil('ui', async () => (await fetch(this.uiUrl, { signal: AbortSignal.timeout(2000) })).ok, readyTimeoutMs);
      this.options.onReady?.('ui', `Temporal UI ${tools.uiVersion} at ${this.uiUrl}`);
    }
  }

  /** Starts one Temporal service process and waits until its gRPC port answers. */
  async startService(service: TemporalService): Promise<void> {
    const { tools, dir, ports } = this.options;
    this.components.start(service, {
      command: tools.serverBin,
      args: ['--root', dir, '--config', 'temporal-config', '--env', service, '--allow-no-auth', 'start', '--service', service],
      env: { PATH: process.env.PATH },
      cwd: dir,
    });
    // The worker service (Temporal's internal system workflows) serves no gRPC: it is up once it joins the membership ring.
    const port = service === 'worker' ? ports.services[service].membership : ports.services[service].grpc;
    await this.components.waitUntil(service, () => portInUse('127.0.0.1', port), this.options.readyTimeoutMs);
    this.options.onReady?.(service, `Temporal ${service} ${tools.serverVersion} on 127.0.0.1:${port}, metrics http://127.0.0.1:${ports.services[service].metrics}/metrics`);
  }

  /** Graceful restart of one service (SIGTERM, wait, start again), as a rolling upgrade does. */
  async restartService(service: TemporalService): Promise<void> {
    await this.components.stop(service);
    await this.startService(service);
  }

  async stop(): Promise<void> {
    await this.components.stopAll();
  }
}

export { TEMPORAL_SERVICES };
