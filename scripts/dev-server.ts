/**
 * How shardpilot runs the Temporal CLI dev server, shared by the local stack (fixed
 * ports, SQLite file, Web UI) and the test harness (free ports, in memory, headless),
 * so both register the same search attributes and wait for readiness the same way.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parse } from 'yaml';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import type { TemporalConfig } from '../config/index.js';
import { temporalAuthOptions } from '../config/temporal-connection.js';
import { DYNAMIC_CONFIG_FILE } from './cluster/temporal-config.js';

/** The custom search attributes the pipeline workflow keeps current (DESIGN.md, Visibility). */
export const SEARCH_ATTRIBUTES = {
  PipelineId: 'Keyword',
  PipelinePhase: 'Keyword',
  StreamName: 'Keyword',
  ApplicationName: 'Keyword',
} as const;

/**
 * The dynamic config of shardpilot's clusters (config/temporal/dynamic-config.yaml, where each
 * key says why), set on the dev server too, one `--dynamic-config-value` per key, so both run
 * with the same settings (e.g. the bound on workflow-task retry backoff). Only unconstrained
 * values are supported there: a key with constraints is refused rather than applied globally.
 */
export function dynamicConfigValues(file: string = DYNAMIC_CONFIG_FILE): Record<string, unknown> {
  const parsed = parse(readFileSync(file, 'utf8')) as Record<string, { value: unknown; constraints?: Record<string, unknown> }[]>;
  return Object.fromEntries(Object.entries(parsed).map(([key, entries]) => {
    const [only, ...more] = entries;
    if (only === undefined || more.length > 0 || Object.keys(only.constraints ?? {}).length > 0) {
      throw new Error(`${file}: ${key} must have exactly one value without constraints to be set on the dev server`);
    }
    return [key, only.value];
  }));
}

export interface DevServerOptions {
  ip: string;
  port: number;
  namespace: string;
  /** Omitted: state lives in memory and is lost when the server stops. */
  dbFile?: string;
  /** Omitted: no Web UI (`--headless`). */
  uiPort?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'never';
}

export function devServerArgs(options: DevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', options.ip, '--port', String(options.port), '--namespace', options.namespace];
  if (options.dbFile !== undefined) args.push('--db-filename', options.dbFile);
  if (options.uiPort !== undefined) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  // Registering again on a restart with the same SQLite file is accepted by the CLI,
  // so the same arguments work for a fresh and a persisted server.
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  for (const [key, value] of Object.entries(dynamicConfigValues())) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  args.push('--log-level', options.logLevel ?? 'warn', '--color', 'never');
  return args;
}

/** Asks the OS for a port that is free right now (the CLI cannot pick one for gRPC itself). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What a connection to a (possibly remote, TLS, API-key, mTLS) Temporal frontend needs. */
export interface TemporalTarget extends Partial<Pick<TemporalConfig, 'clientCert' | 'serverCaPath' | 'serverName'>> {
  address: string;
  tls?: boolean;
  apiKey?: string | undefined;
}

export function connectionOptions(target: TemporalTarget): ConnectionOptions {
  return {
    address: target.address,
    connectTimeout: 1000,
    ...temporalAuthOptions({ ...target, tls: target.tls ?? false, apiKey: target.apiKey }),
  };
}

export interface WaitOptions {
  timeoutMs: number;
  /** Stops waiting early, e.g. when the server process already exited. */
  abandoned?: () => string | undefined;
}

/**
 * Resolves once the frontend answers and our search attributes are registered in the
 * namespace (the CLI registers them shortly after the gRPC port opens).
 */
export async function waitForTemporal(target: TemporalTarget | string, namespace: string, options: WaitOptions): Promise<void> {
  const { address } = typeof target === 'string' ? { address: target } : target;
  const deadline = Date.now() + options.timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    const abandoned = options.abandoned?.();
    if (abandoned !== undefined) throw new Error(abandoned);
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect(connectionOptions(typeof target === 'string' ? { address } : target));
      await connection.workflowService.getSystemInfo({});
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      const missing = Object.keys(SEARCH_ATTRIBUTES).filter((name) => !(customAttributes && name in customAttributes));
      if (missing.length === 0) return;
      lastError = `search attributes not registered yet: ${missing.join(', ')}`;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    } finally {
      await connection?.close();
    }
    await sleep(250);
  }
  throw new Error(`Temporal at ${address} not ready after ${options.timeoutMs} ms: ${lastError}`);
}
