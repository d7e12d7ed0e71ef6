/**
 * No Docker engine runs in CI, so docker-compose.yml is checked as a file: the services
 * exist, every component's environment is a valid configuration, and the addresses they
 * use to reach each other agree with the ports those services listen on.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../config/index.js';
import { SEARCH_ATTRIBUTES } from '../../scripts/dev-server.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const ROOT = resolve(import.meta.dirname, '../..');
const compose = parse(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const services = compose.services;

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

function commandFlag(name: string, flag: string): string[] {
  return (service(name).command ?? []).filter((arg) => arg.startsWith(`${flag}=`)).map((arg) => arg.slice(flag.length + 1));
}

describe('docker-compose.yml', () => {
  it('defines the Temporal server and UI from official images and the three project services from the Dockerfile', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'emulator', 'temporal', 'temporal-ui', 'worker']);
    expect(service('temporal').image).toMatch(/^temporalio\/temporal:\d+\.\d+\.\d+$/);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    for (const name of ['emulator', 'worker', 'api']) expect(service(name).build, name).toBe('.');
  });

  it('runs each project service from the entry point the local stack uses', () => {
    expect(service('emulator').command).toEqual(['node', '--import', 'tsx', 'emulator/main.ts']);
    expect(service('worker').command).toEqual(['node', '--import', 'tsx', 'workers/main.ts']);
    expect(service('api').command).toEqual(['node', '--import', 'tsx', 'api/server.ts']);
  });

  it('registers the same custom search attributes as the local dev server and persists to a volume', () => {
    const registered = commandFlag('temporal', '--search-attribute').sort();
    expect(registered).toEqual(Object.entries(SEARCH_ATTRIBUTES).map(([k, v]) => `${k}=${v}`).sort());
    expect(commandFlag('temporal', '--db-filename')).toHaveLength(1);
    expect(commandFlag('temporal', '--ip')).toEqual(['0.0.0.0']);
  });

  it('gives every project service an environment that config/index.ts accepts', () => {
    for (const name of ['emulator', 'worker', 'api']) expect(() => loadConfig(env(name)), name).not.toThrow();
  });

  it('points the worker and the API at the temporal service port, and the worker at the emulator port', () => {
    const temporalPort = Number(commandFlag('temporal', '--port')[0]);
    for (const name of ['worker', 'api']) {
      expect(loadConfig(env(name)).temporal.address, name).toBe(`temporal:${temporalPort}`);
    }
    expect(env('temporal-ui').TEMPORAL_ADDRESS).toBe(`temporal:${temporalPort}`);

    const emulator = loadConfig(env('emulator')).emulator;
    expect(emulator.host).toBe('0.0.0.0');
    const endpoints = loadConfig(env('worker')).aws.endpoints;
    expect(endpoints).toEqual({
      kinesis: `http://emulator:${emulator.port}`,
      flink: `http://emulator:${emulator.port}`,
      cloudwatch: `http://emulator:${emulator.port}`,
    });
    expect(env('worker').AWS_ACCESS_KEY_ID).toBeTruthy();
    expect(env('worker').AWS_SECRET_ACCESS_KEY).toBeTruthy();
  });

  it('agrees on task queue, namespace and region between the worker and the API', () => {
    const worker = loadConfig(env('worker'));
    const api = loadConfig(env('api'));
    expect(api.temporal.taskQueue).toBe(worker.temporal.taskQueue);
    expect(api.temporal.namespace).toBe(worker.temporal.namespace);
    expect(api.aws.region).toBe(worker.aws.region);
  });

  it('publishes the same host ports as the local stack (API 3000, emulator 4566, Temporal 7233, UI 8233)', () => {
    const api = loadConfig(env('api'));
    expect(api.api.host).toBe('0.0.0.0');
    expect(publishedPorts('api')).toEqual([{ host: 3000, container: api.api.port }]);
    expect(publishedPorts('emulator')).toEqual([{ host: 4566, container: loadConfig(env('emulator')).emulator.port }]);
    expect(publishedPorts('temporal')).toEqual([{ host: 7233, container: Number(commandFlag('temporal', '--port')[0]) }]);
    expect(publishedPorts('temporal-ui')).toEqual([{ host: 8233, container: Number(env('temporal-ui').TEMPORAL_UI_PORT) }]);
    expect(api.temporal.uiUrl).toBe('http://127.0.0.1:8233');
  });

  it('starts services only after what they depend on is healthy', () => {
    expect(service('worker').depends_on).toMatchObject({ temporal: { condition: 'service_healthy' }, emulator: { condition: 'service_healthy' } });
    expect(service('api').depends_on).toMatchObject({ temporal: { condition: 'service_healthy' } });
  });
});
