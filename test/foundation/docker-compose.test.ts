/**
 * No Docker engine runs in CI, so docker-compose.yml is checked as a file: the
 * production shape (Temporal on PostgreSQL, UI, search attributes, emulator, worker,
 * API from the compiled build), health checks on every long-running service, every
 * component's environment a valid configuration, and the addresses they use to reach
 * each other agreeing with the ports those services listen on.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../config/index.js';
import { devServerArgs, SEARCH_ATTRIBUTES } from '../../scripts/dev-server.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const ROOT = resolve(import.meta.dirname, '../..');
const compose = parse(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const PROJECT_SERVICES = ['emulator', 'worker', 'api'];

function service(name: string): Service {
  const found = services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function env(name: string): Record<string, string> {
  return service(name).environment ?? {};
}

/** "3000:3000" → { host: 3000, container: 3000 } */
function publishedPorts(name: string): Array<{ host: number; container: number }> {
  return (service(name).ports ?? []).map((mapping) => {
    const [host, container] = mapping.split(':').map(Number);
    return { host: host ?? NaN, container: container ?? NaN };
  });
}

/** The port a health check probes (`http://127.0.0.1:<port>/…` or `--address host:<port>`). */
function probedPort(name: string): number {
  const test = (service(name).healthcheck?.test ?? []).join(' ');
  const match = /127\.0\.0\.1:(\d+)/.exec(test) ?? /--address[ =]\S+:(\d+)/.exec(test);
  return Number(match?.[1]);
}

function flagValues(args: string[] | undefined, flag: string): string[] {
  return (args ?? []).filter((arg) => arg.startsWith(`${flag}=`)).map((arg) => arg.slice(flag.length + 1));
}

describe('docker-compose.yml', () => {
  it('runs Temporal on PostgreSQL and the UI from official images at the versions the pinned CLI embeds', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'emulator', 'postgresql', 'temporal', 'temporal-setup', 'temporal-ui', 'worker']);
    expect(service('postgresql').image).toMatch(/^postgres:\d+/);
    expect(service('temporal').image).toBe('temporalio/auto-setup:1.29.1');
    expect(env('temporal')).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(env('temporal').POSTGRES_USER).toBe(env('postgresql').POSTGRES_USER);
    expect(env('temporal').POSTGRES_PWD).toBe(env('postgresql').POSTGRES_PASSWORD);
    expect(service('temporal-ui').image).toBe('temporalio/ui:2.42.1');
    const setup = readFileSync(resolve(ROOT, 'scripts/setup.sh'), 'utf8');
    expect(setup).toContain('TEMPORAL_CLI_VERSION=v1.5.1');
  });

  it('mounts the same dynamic config as the local cluster', () => {
    const mount = (service('temporal').volumes ?? []).find((v) => v.startsWith('./config/temporal/dynamic-config.yaml:'));
    expect(mount).toBeDefined();
    expect(mount?.split(':')[1]).toBe(env('temporal').DYNAMIC_CONFIG_FILE_PATH);
  });

  it('gives the dev server every key of that dynamic config (e.g. the bound on workflow-task retry backoff)', () => {
    const dynamic = parse(readFileSync(resolve(ROOT, 'config/temporal/dynamic-config.yaml'), 'utf8')) as Record<string, { value: unknown }[]>;
    expect(dynamic['history.workflowTaskRetryMaxInterval']).toEqual([{ value: '1m', constraints: {} }]);
    const args = devServerArgs({ ip: '127.0.0.1', port: 7233, namespace: 'default' });
    const given = args.flatMap((arg, i) => (arg === '--dynamic-config-value' ? [args[i + 1]] : []));
    expect(given.sort()).toEqual(Object.entries(dynamic).map(([key, [entry]]) => `${key}=${JSON.stringify(entry!.value)}`).sort());
  });

  it('registers the custom search attributes the workflow uses, after Temporal is healthy, before the worker and API start', () => {
    const command = service('temporal-setup').command ?? [];
    expect(command.slice(0, 3)).toEqual(['operator', 'search-attribute', 'create']);
    const names = flagValues(command, '--name');
    const types = flagValues(command, '--type');
    expect(Object.fromEntries(names.map((n, i) => [n, types[i]]))).toEqual(SEARCH_ATTRIBUTES);
    expect(flagValues(command, '--address')).toEqual([`temporal:${publishedPorts('temporal')[0]?.container}`]);
    expect(service('temporal-setup').depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
    for (const name of ['worker', 'api']) {
      expect(service(name).depends_on, name).toMatchObject({ 'temporal-setup': { condition: 'service_completed_successfully' } });
    }
  });

  it('builds the project services from the Dockerfile and runs them compiled with plain node', () => {
    for (const name of PROJECT_SERVICES) expect(service(name).build, name).toBe('.');
    expect(service('emulator').command).toEqual(['node', 'dist/emulator/main.js']);
    expect(service('worker').command).toEqual(['node', 'dist/workers/main.js']);
    expect(service('api').command).toEqual(['node', 'dist/api/server.js']);
  });

  it('gives every project service an environment that config/index.ts accepts', () => {
    for (const name of PROJECT_SERVICES) expect(() => loadConfig(env(name)), name).not.toThrow();
  });

  it('points the worker, the API and the UI at the Temporal frontend, and the worker at the emulator', () => {
    const frontend = `temporal:${publishedPorts('temporal')[0]?.container}`;
    for (const name of ['worker', 'api']) expect(loadConfig(env(name)).temporal.address, name).toBe(frontend);
    expect(env('temporal-ui').TEMPORAL_ADDRESS).toBe(frontend);
    const emulator = loadConfig(env('emulator')).emulator;
    expect(emulator.host).toBe('0.0.0.0');
    const url = `http://emulator:${emulator.port}`;
    expect(loadConfig(env('worker')).aws.endpoints).toEqual({ kinesis: url, flink: url, cloudwatch: url, sts: url });
    expect(env('worker').AWS_ACCESS_KEY_ID).toBeTruthy();
  });

  it('agrees on task queue, namespace and region between the worker and the API, and logs JSON', () => {
    const worker = loadConfig(env('worker'));
    const api = loadConfig(env('api'));
    expect(api.temporal.taskQueue).toBe(worker.temporal.taskQueue);
    expect(api.temporal.namespace).toBe(worker.temporal.namespace);
    expect(api.aws.region).toBe(worker.aws.region);
    expect(worker.observability?.logFormat).toBe('json');
  });

  it('publishes the local stack\'s host ports plus the worker\'s metrics', () => {
    const api = loadConfig(env('api'));
    const worker = loadConfig(env('worker'));
    expect(api.api.host).toBe('0.0.0.0');
    expect(publishedPorts('api')).toEqual([{ host: 3000, container: api.api.port }]);
    expect(publishedPorts('emulator')).toEqual([{ host: 4566, container: loadConfig(env('emulator')).emulator.port }]);
    expect(publishedPorts('temporal')).toEqual([{ host: 7233, container: 7233 }]);
    expect(publishedPorts('temporal-ui')).toEqual([{ host: 8233, container: Number(env('temporal-ui').TEMPORAL_UI_PORT) }]);
    expect(worker.observability?.metrics).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(publishedPorts('worker')).toEqual([{ host: 9464, container: 9464 }]);
    expect(api.temporal.uiUrl).toBe('http://127.0.0.1:8233');
  });

  it('health-checks every long-running service on the port it listens on', () => {
    expect(probedPort('api')).toBe(loadConfig(env('api')).api.port);
    expect(probedPort('emulator')).toBe(loadConfig(env('emulator')).emulator.port);
    expect(probedPort('worker')).toBe(loadConfig(env('worker')).observability?.workerHealthPort);
    expect(service('worker').healthcheck?.test.join(' ')).toContain('/healthz');
    expect(probedPort('temporal')).toBe(7233);
    expect(probedPort('temporal-ui')).toBe(Number(env('temporal-ui').TEMPORAL_UI_PORT));
    expect(service('postgresql').healthcheck?.test).toContain('pg_isready');
  });

  it('starts each service only after what it depends on is healthy', () => {
    expect(service('temporal').depends_on).toEqual({ postgresql: { condition: 'service_healthy' } });
    expect(service('worker').depends_on).toMatchObject({ emulator: { condition: 'service_healthy' } });
    expect(service('api').depends_on).toMatchObject({ worker: { condition: 'service_healthy' } });
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('builds in one stage, installs production dependencies in another, and runs neither tsx nor dev dependencies', () => {
    expect(stages.map((s) => s.split('\n')[0])).toEqual(['${NODE_IMAGE} AS build', '${NODE_IMAGE} AS deps', '${NODE_IMAGE} AS runtime']);
    expect(stages[0]).toContain('RUN npm run build');
    expect(stages[1]).toContain('npm ci --omit=dev');
    const runtime = stages[2] ?? '';
    expect(runtime).toContain('COPY --from=deps /app/node_modules node_modules');
    expect(runtime).toContain('COPY --from=build /src/dist dist');
    expect(runtime).not.toMatch(/npm (ci|install)|tsx/);
  });

  it('runs as a non-root user', () => {
    const user = /^USER (\S+)/m.exec(stages[2] ?? '')?.[1];
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(0|root)(:|$)/);
  });
});
