/**
 * shardpilot's own processes beside a Temporal cluster: the AWS emulator, N workers and
 * the API, either from TypeScript through tsx (a checkout) or compiled (`npm run build`,
 * plain `node` on `dist/`, the prebuilt workflow bundle) — the same entry points either way.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Components, ProcessSpec } from './components.js';

export const ROOT = resolve(import.meta.dirname, '../..');
/** Where `npm run build` writes the compiled services (scripts/build.ts). */
export const DIST = join(ROOT, 'dist');

export type Runtime = 'tsx' | 'compiled';

const ENTRY_POINTS = { emulator: 'emulator/main', worker: 'workers/main', api: 'api/server' } as const;

export function entryPoint(runtime: Runtime, service: keyof typeof ENTRY_POINTS): ProcessSpec['args'] {
  if (runtime === 'compiled') {
    const file = join(DIST, `${ENTRY_POINTS[service]}.js`);
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first.`);
    return [file];
  }
  return ['--import', 'tsx', join(ROOT, `${ENTRY_POINTS[service]}.ts`)];
}

export interface ShardpilotOptions {
  runtime: Runtime;
  workers: number;
  /** Environment every service gets (config module variables). */
  env: Record<string, string | undefined>;
  emulatorUrl: string;
  apiUrl: string;
  readyTimeoutMs: number;
  onReady?: (component: string, detail: string) => void;
}

export function workerName(index: number): string {
  return `worker-${index + 1}`;
}

/** Starts one worker and waits for its "worker ready" line (it polls the task queue then). */
export async function startWorker(components: Components, options: ShardpilotOptions, index: number): Promise<void> {
  const name = workerName(index);
  let ready = false;
  components.start(name, { command: process.execPath, args: entryPoint(options.runtime, 'worker'), env: options.env, cwd: ROOT }, (line) => {
    if (line.includes('worker ready')) ready = true;
  });
  await components.waitUntil(name, async () => ready, options.readyTimeoutMs);
  options.onReady?.(name, `shardpilot worker (${options.runtime}), pid ${components.get(name)?.pid ?? '?'}`);
}

export async function startShardpilot(components: Components, options: ShardpilotOptions): Promise<void> {
  const spec = (service: keyof typeof ENTRY_POINTS): ProcessSpec => ({
    command: process.execPath, args: entryPoint(options.runtime, service), env: options.env, cwd: ROOT,
  });
  const healthy = (url: string) => async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.status === 200;
  };
  components.start('emulator', spec('emulator'));
  await components.waitUntil('emulator', healthy(`${options.emulatorUrl}/_emulator/health`), options.readyTimeoutMs);
  options.onReady?.('emulator', `AWS emulator (Kinesis, Managed Flink, CloudWatch) at ${options.emulatorUrl}`);
  for (let index = 0; index < options.workers; index++) await startWorker(components, options, index);
  components.start('api', spec('api'));
  await components.waitUntil('api', healthy(`${options.apiUrl}/healthz`), options.readyTimeoutMs);
  options.onReady?.('api', `shardpilot API at ${options.apiUrl} (docs ${options.apiUrl}/docs)`);
}
