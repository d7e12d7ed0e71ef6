/**
 * `npm run build`: the production build in `dist/` — the services compiled to JavaScript
 * by tsc (tsconfig.build.json), their non-code assets copied beside them, and the
 * workflow code pre-bundled once (Temporal's recommended production practice), so a
 * worker started with plain `node dist/workers/main.js` loads the bundle instead of
 * running webpack at every start. Prints one line per step with its duration.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { bundleWorkflowsQuietly } from '../workers/bundle.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
/** Where the compiled worker looks for the bundle (workers/pipeline-worker.ts). */
export const BUNDLE_FILE = join(DIST, 'workflow-bundle.js');

/** Files the compiled services read at run time, relative to their module. */
const ASSETS = ['api/dashboard', 'data/sample'];

async function step<T>(what: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  process.stdout.write(`build: ${what} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  return result;
}

async function compile(): Promise<void> {
  try {
    await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`tsc failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

async function bundle(): Promise<number> {
  const code = await bundleWorkflowsQuietly(join(ROOT, 'workflows/index.ts'));
  await writeFile(BUNDLE_FILE, code);
  return code.length;
}

async function main(): Promise<void> {
  await rm(DIST, { recursive: true, force: true });
  await mkdir(DIST, { recursive: true });
  await step('compiled the services with tsc into dist/', compile);
  await step(`copied ${ASSETS.join(', ')}`, async () => {
    for (const asset of ASSETS) await cp(join(ROOT, asset), join(DIST, asset), { recursive: true });
  });
  // ESM: dist/ must say so, since the package.json above it is not copied into images.
  await writeFile(join(DIST, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  const size = await step('bundled the workflow code into dist/workflow-bundle.js', bundle);
  process.stdout.write(`build: done — workflow bundle ${(size / 1024).toFixed(0)} KiB; run e.g. node dist/workers/main.js\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`build failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
