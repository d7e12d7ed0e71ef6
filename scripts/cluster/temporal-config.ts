/**
 * The Temporal server's static configuration for the local cluster, rendered from the
 * ports we chose: one shared `base.yaml` plus one small file per service (selected with
 * the server's `--env`), because on one host every service process needs its own
 * metrics port. JSON is valid YAML, so no YAML library is needed here.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DATABASES } from './schema.js';
import { POSTGRES_USER } from './postgres.js';

export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

export interface ServicePorts {
  grpc: number;
  membership: number;
  /** Prometheus scrape endpoint of this service process (`/metrics`). */
  metrics: number;
}

export interface ClusterPorts {
  postgres: number;
  /** Frontend HTTP API (Temporal's JSON/HTTP gateway). */
  frontendHttp: number;
  ui: number;
  services: Record<TemporalService, ServicePorts>;
}

export interface TemporalConfigInput {
  configDir: string;
  ports: ClusterPorts;
  postgresPassword: string;
  /** Absolute path of the server's dynamic config (DYNAMIC_CONFIG_FILE). */
  dynamicConfigFile: string;
  /**
   * Fixed for the life of the cluster's database: Temporal cannot change it later.
   * 4 suits one machine; production clusters size it for their peak (docs/operations.md).
   */
  numHistoryShards: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

function datastore(database: string, port: number, password: string, maxConns: number) {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName: database,
      connectAddr: `127.0.0.1:${port}`,
      connectProtocol: 'tcp',
      user: POSTGRES_USER,
      password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

export function renderBaseConfig(input: TemporalConfigInput): object {
  const { ports } = input;
  const service = (name: TemporalService, extra: object = {}) => ({
    rpc: { grpcPort: ports.services[name].grpc, membershipPort: ports.services[name].membership, bindOnIP: '127.0.0.1', ...extra },
  });
  return {
    log: { stdout: true, level: input.logLevel, format: 'json' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: input.numHistoryShards,
      datastores: {
        'postgres-default': datastore(DATABASES.temporal, ports.postgres, input.postgresPassword, 20),
        'postgres-visibility': datastore(DATABASES.visibility, ports.postgres, input.postgresPassword, 5),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
    },
    services: {
      frontend: service('frontend', { httpPort: ports.frontendHttp }),
      history: service('history'),
      matching: service('matching'),
      worker: service('worker'),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${ports.services.frontend.grpc}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: input.dynamicConfigFile, pollInterval: '10s' },
  };
}

/** Per-service overrides: only the metrics listener differs between processes. */
export function renderServiceConfig(ports: ServicePorts): object {
  return {
    global: {
      metrics: { prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:${ports.metrics}` } },
    },
  };
}

/** Shared with docker-compose.yml, so both clusters run with the same dynamic config. */
export const DYNAMIC_CONFIG_FILE = resolve(import.meta.dirname, '../../config/temporal/dynamic-config.yaml');

export async function writeTemporalConfig(input: TemporalConfigInput): Promise<void> {
  await mkdir(input.configDir, { recursive: true });
  await writeFile(join(input.configDir, 'base.yaml'), `${JSON.stringify(renderBaseConfig(input), null, 2)}\n`, { mode: 0o600 });
  for (const name of TEMPORAL_SERVICES) {
    await writeFile(join(input.configDir, `${name}.yaml`), `${JSON.stringify(renderServiceConfig(input.ports.services[name]), null, 2)}\n`);
  }
}

/** The UI server's config (its own loader: base.yaml + <env>.yaml in a folder). */
export async function writeUiConfig(configDir: string, options: { port: number; frontend: string; namespace: string }): Promise<void> {
  await mkdir(configDir, { recursive: true });
  const config = {
    temporalGrpcAddress: options.frontend,
    host: '127.0.0.1',
    port: options.port,
    enableUi: true,
    defaultNamespace: options.namespace,
    notifyOnNewVersion: false,
    refreshInterval: '1m',
    cors: { cookieInsecure: true, allowOrigins: [], unsafeAllowAllOrigins: false },
  };
  await writeFile(join(configDir, 'base.yaml'), `${JSON.stringify(config, null, 2)}\n`);
  await writeFile(join(configDir, 'cluster.yaml'), '{}\n');
}
