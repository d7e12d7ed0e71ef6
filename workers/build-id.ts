/**
 * The worker's build id: which workflow code it runs. It is part of the worker's
 * identity, which Temporal records on every task event, so the UI shows which release ran
 * each step of a pipeline; the worker also declares it as its Worker Deployment version
 * (`shardpilot:<build id>`). docs/upgrades.md explains how it is used in a deploy.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** The Worker Deployment every shardpilot worker belongs to. */
export const DEPLOYMENT_NAME = 'shardpilot';

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The bundle with what depends on the checkout rather than on the code taken out: the
 * inline source map, and the folder layout in module ids (`../main/node_modules/x` in a
 * worktree whose node_modules is a link, `./node_modules/x` elsewhere).
 */
export function normaliseBundle(code: string): string {
  return code
    .replace(/\n\/\/# sourceMappingURL=data:[^\n]*\n?$/, '\n')
    .replace(/(?:\.\.?\/)+(?:[\w.@-]+\/)*?node_modules\//g, 'node_modules/');
}

/**
 * `<package version>+<12 hex digits of the workflow bundle's SHA-256>`: the same for
 * every replica built from the same sources and dependencies, different as soon as
 * any code a workflow runs changes — exactly when replay compatibility matters.
 */
export function defaultBuildId(workflowBundleCode: string): string {
  const digest = createHash('sha256').update(normaliseBundle(workflowBundleCode)).digest('hex').slice(0, 12);
  return `${PACKAGE_VERSION}+${digest}`;
}

/** What the Temporal UI lists as the worker's identity: where it runs and which build. */
export function workerIdentity(buildId: string): string {
  return `${process.pid}@${hostname()} ${DEPLOYMENT_NAME}:${buildId}`;
}
