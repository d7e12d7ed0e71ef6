/**
 * Workflow bundles built once per `vitest run` and shared by the test files that need them. Above
 * all workflows/ alone, exactly as a worker started from TypeScript bundles it at start, for the
 * worker processes the tests start (SHARDPILOT_WORKFLOW_BUNDLE): each start would otherwise spend
 * 7-10 s of CPU in webpack (about ten starts in `npm test`). Bundling is deterministic, so a
 * worker's derived build id is the same either way. The first test file that asks builds a bundle
 * in the run's folder (beside the shared bundle of global-setup.ts); files asking meanwhile wait
 * for that file rather than bundle again.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { inject } from 'vitest';
import { bundleWorkflowsQuietly } from '../../workers/bundle.js';

const WORKFLOWS = resolve(import.meta.dirname, '../../workflows/index.ts');
/** Bundling takes about 20 s on a loaded machine; this only bounds a builder that died. */
const WAIT_MS = 300_000;

const mine = new Map<string, Promise<string>>();

/** Path of the run's bundle of workflows/ (built here if no other file has started it). */
export function productWorkflowBundle(): Promise<string> {
  return runBundle('product', WORKFLOWS);
}

/** Path of the run's bundle of `workflowsPath`, named `name` (built here if no other file has started it). */
export function runBundle(name: string, workflowsPath: string): Promise<string> {
  let bundle = mine.get(name);
  if (bundle === undefined) {
    bundle = buildOrWait(name, workflowsPath);
    mine.set(name, bundle);
  }
  return bundle;
}

async function buildOrWait(name: string, workflowsPath: string): Promise<string> {
  const shared = inject('workflowBundlePath');
  if (shared === '') throw new Error(`the run's workflow bundle failed, so ${name} is not bundled either: ${inject('workflowBundleError')}`);
  const path = join(dirname(shared), `${name}-workflow-bundle.js`);
  const failure = `${path}.error`;
  try {
    // mkdir is atomic: exactly one file of the run builds.
    await mkdir(`${path}.lock`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return waitFor(path, failure);
  }
  try {
    const code = await bundleWorkflowsQuietly(workflowsPath);
    await writeFile(`${path}.tmp`, code);
    await rename(`${path}.tmp`, path);
    return path;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await writeFile(failure, message);
    throw new Error(`bundling ${workflowsPath} failed: ${message}`);
  }
}

async function waitFor(path: string, failure: string): Promise<string> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (existsSync(path)) return path;
    if (existsSync(failure)) throw new Error(`bundling failed in another test file: ${await readFile(failure, 'utf8')}`);
    if (Date.now() > deadline) throw new Error(`no ${path} after ${WAIT_MS / 1000} s: the test file bundling it stopped without a result`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
