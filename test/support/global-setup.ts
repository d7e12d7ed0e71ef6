/**
 * Once per `vitest run`: a Temporal dev server on free ports (or the one named by
 * TEMPORAL_ADDRESS) and one workflow bundle that every test's Worker reuses, because
 * bundling takes seconds and the machine is small.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { devServerArgs, freePort, waitForTemporal } from '../../scripts/dev-server.js';
import { ManagedChild } from '../../scripts/processes.js';
import { bundleWorkflowsQuietly } from '../../workers/bundle.js';
import { requireTemporalCli } from '../../scripts/temporal-cli.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    /** Path of the shared bundle; empty when bundling failed (see `workflowBundleError`). */
    workflowBundlePath: string;
    workflowBundleError: string;
  }
}

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURE_WORKFLOWS = join(ROOT, 'test/fixtures/workflows/index.ts');
const PROJECT_WORKFLOWS = join(ROOT, 'workflows/index.ts');
const NAMESPACE = 'default';

/** Another process can take the free port before the server binds it; a fresh port then usually works. */
async function startDevServer(logs: string[], attempts = 3): Promise<{ address: string; server: ManagedChild }> {
  const cli = requireTemporalCli(process.env);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = new ManagedChild({
      name: 'temporal',
      command: cli,
      args: devServerArgs({ ip: '127.0.0.1', port, namespace: NAMESPACE, logLevel: 'error' }),
      env: process.env,
      onLine: (line) => logs.push(line),
    });
    // with-parent.sh covers a killed runner; this covers an ordinary exit that skipped teardown.
    process.once('exit', () => server.killNow());
    const address = `127.0.0.1:${port}`;
    try {
      await waitForTemporal(address, NAMESPACE, {
        timeoutMs: 60_000,
        abandoned: () => (server.exit ? `dev server exited (${JSON.stringify(server.exit)}): ${logs.slice(-20).join('\n')}` : undefined),
      });
      return { address, server };
    } catch (err) {
      await server.stop(5_000);
      if (attempt >= attempts) throw err;
    }
  }
}

/**
 * Fixture workflows are always in the bundle; the project's workflows join them once
 * workflows/index.ts exists. Names must not collide (fixtures start with `fixture`).
 */
async function bundleWorkflows(dir: string): Promise<string> {
  const entry = join(dir, 'test-workflows.ts');
  const sources = [FIXTURE_WORKFLOWS, ...(existsSync(PROJECT_WORKFLOWS) ? [PROJECT_WORKFLOWS] : [])];
  await writeFile(entry, sources.map((path) => `export * from ${JSON.stringify(path)};\n`).join(''));
  // Bundled as the product bundles it (workers/bundle.ts): with the product's workflow interceptors.
  const code = await bundleWorkflowsQuietly(entry);
  const codePath = join(dir, 'workflow-bundle.js');
  await writeFile(codePath, code);
  return codePath;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Inside the repository: the bundler resolves @temporalio/* from the entry file's folder.
  // The real path: with node_modules symlinked (worktrees sharing one install), webpack resolves the
  // entry through the link while the bundler writes its generated entry under the link's path.
  const cacheDir = join(await realpath(join(ROOT, 'node_modules')), '.cache', 'shardpilot');
  await mkdir(cacheDir, { recursive: true });
  const dir = await mkdtemp(join(cacheDir, 'test-run-'));
  const logs: string[] = [];
  const external = process.env.TEMPORAL_ADDRESS;
  // Bundling is CPU work and the server start is mostly waiting: overlap them.
  const [started, bundle] = await Promise.all([
    external ? undefined : startDevServer(logs),
    bundleWorkflows(dir).then(
      (codePath) => ({ codePath, error: '' }),
      // Only the tests that run workflows should fail on a broken workflow; config, API
      // and emulator tests still run.
      (err: unknown) => ({ codePath: '', error: err instanceof Error ? err.message : String(err) }),
    ),
  ]).catch(async (err: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  const address = external ?? started?.address ?? '';
  const namespace = external ? (process.env.TEMPORAL_NAMESPACE ?? NAMESPACE) : NAMESPACE;

  project.provide('temporalAddress', address);
  project.provide('temporalNamespace', namespace);
  project.provide('workflowBundlePath', bundle.codePath);
  project.provide('workflowBundleError', bundle.error);

  return async () => {
    await started?.server.stop(5_000);
    await rm(dir, { recursive: true, force: true });
  };
}
