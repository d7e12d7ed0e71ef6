/**
 * `npm run freeze:workflows`: bundles today's workflows/ exactly as a worker would
 * (`bundleWorkflowCode`) and stores it, gzipped and without its source map, as
 * test/fixtures/previous-workflows/<short commit>/ — the "previous release" the upgrade
 * test (test/upgrades/) starts pipelines on before replacing the worker with the
 * current code. Run it on a release commit; keep the folders of releases still running.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleWorkflowsQuietly } from '../workers/bundle.js';

const ROOT = resolve(import.meta.dirname, '..');
const git = (...args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

/**
 * The inline source map doubles the bundle and only serves stack traces, but the Worker
 * insists on finding one: an empty map takes its place.
 */
function withEmptySourceMap(code: string): string {
  const empty = Buffer.from(JSON.stringify({ version: 3, file: 'workflow-bundle.js', sources: [], names: [], mappings: '' })).toString('base64');
  return `${code.replace(/\n\/\/# sourceMappingURL=data:[^\n]*\n?$/, '\n')}//# sourceMappingURL=data:application/json;charset=utf-8;base64,${empty}\n`;
}

async function main(): Promise<void> {
  if (git('status', '--porcelain', '--', 'workflows', 'model', 'scaling', 'activities').length > 0) {
    throw new Error('workflows/, model/, scaling/ or activities/ has uncommitted changes: freeze a commit, not a work tree');
  }
  const commit = git('rev-parse', '--short=7', 'HEAD');
  const code = await bundleWorkflowsQuietly(join(ROOT, 'workflows/index.ts'));
  const stripped = withEmptySourceMap(code);
  const folder = join(ROOT, 'test/fixtures/previous-workflows', commit);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'workflow-bundle.js.gz'), gzipSync(stripped, { level: 9 }));
  const sdk = (JSON.parse(readFileSync(join(ROOT, 'node_modules/@temporalio/workflow/package.json'), 'utf8')) as { version: string }).version;
  writeFileSync(join(folder, 'bundle.json'), `${JSON.stringify({
    commit: git('rev-parse', 'HEAD'),
    committed: git('log', '-1', '--format=%cI'),
    subject: git('log', '-1', '--format=%s'),
    temporalWorkflowSdk: sdk,
    sha256: createHash('sha256').update(stripped).digest('hex'),
    bytes: stripped.length,
  }, null, 2)}\n`);
  process.stdout.write(`froze workflows/ of ${commit} into ${folder}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
