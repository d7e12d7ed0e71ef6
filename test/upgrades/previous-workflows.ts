/**
 * The workflow code of earlier releases, frozen by `npm run freeze:workflows` as the
 * exact bundle their workers ran (test/fixtures/previous-workflows/<commit>/).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { WorkflowBundle } from '@temporalio/worker';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/previous-workflows');

export interface PreviousWorkflows {
  commit: string;
  subject: string;
  bundle: WorkflowBundle;
}

export function previousReleases(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

export function loadPreviousWorkflows(release: string): PreviousWorkflows {
  const folder = join(FIXTURES, release);
  const meta = JSON.parse(readFileSync(join(folder, 'bundle.json'), 'utf8')) as { commit: string; subject: string };
  return { commit: meta.commit, subject: meta.subject, bundle: { code: gunzipSync(readFileSync(join(folder, 'workflow-bundle.js.gz'))).toString('utf8') } };
}
