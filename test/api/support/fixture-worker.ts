/**
 * A real Worker running the stand-in pipeline workflow (test/fixtures/api-workflows).
 * Its bundle is built once and cached on disk by content hash, because several API test
 * files need it and bundling takes seconds on this machine.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { temporalAddress, temporalNamespace } from '../../support/temporal.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const ENTRY = join(ROOT, 'test/fixtures/api-workflows/index.ts');
const SOURCES = [ENTRY, join(ROOT, 'test/fixtures/api-workflows/calibration.ts'), join(ROOT, 'workflows/contract.ts'), join(ROOT, 'model/calibration.ts')];
const CACHE = join(ROOT, 'node_modules/.cache/shardpilot');

async function fixtureBundlePath(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of SOURCES) hash.update(await readFile(file));
  const path = join(CACHE, `api-fixture-${hash.digest('hex').slice(0, 16)}.js`);
  if (existsSync(path)) return path;
  await mkdir(CACHE, { recursive: true });
  const silent = (): void => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath: ENTRY,
    logger: { log: silent, trace: silent, debug: silent, info: silent, warn: silent, error: silent },
  });
  // Two test files may bundle at once: write aside, then rename atomically.
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, code);
  await rename(tmp, path);
  return path;
}

export interface FixtureWorker {
  stop(): Promise<void>;
}

export async function startFixtureWorker(taskQueue: string, namespace = temporalNamespace()): Promise<FixtureWorker> {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Installed already in this process.
  }
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle: { codePath: await fixtureBundlePath() },
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
