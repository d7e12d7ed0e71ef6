/**
 * `npm run record:histories`: runs every scenario of scenarios.ts against a real dev server
 * and emulator with today's workflow code and writes the histories to a NEW version
 * folder (test/histories/vN). Old folders are kept forever: they are what pipelines
 * started on older code look like, and replay-compat.test.ts replays all of them.
 * Not part of `npm test` (its file name does not end in .test.ts).
 *
 * `RECORD_SCENARIOS=autoscaling,adaptive npm run record:histories` records only the named
 * scenarios (a new moment or a new patch's branch, without another full set); the folder's
 * README says which.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startScalingE2E } from '../e2e/scaling-harness.js';
import { createRecorder, SCENARIOS } from './scenarios.js';
import { HISTORIES_DIR, nextHistoryVersion, type RecordedHistory } from './store.js';

/** Scenarios run this many at a time: most of their time is waiting for the emulator's timings. */
const CONCURRENCY = 3;

function gitDescription(): string {
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: HISTORIES_DIR, encoding: 'utf8' }).trim();
  const dirty = git('status', '--porcelain', '--', '../../workflows', '../../model', '../../scaling').length > 0;
  return `${git('rev-parse', 'HEAD')}${dirty ? ' (with uncommitted changes to workflows/, model/ or scaling/)' : ''}`;
}

/** The scenarios named in RECORD_SCENARIOS (comma-separated), or all of them. */
function chosenScenarios(): typeof SCENARIOS {
  const names = (process.env.RECORD_SCENARIOS ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`RECORD_SCENARIOS: unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return names.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => names.includes(s.name));
}

async function runAll(histories: Map<string, RecordedHistory>, scenarios: typeof SCENARIOS): Promise<void> {
  const queue = [...scenarios];
  const failures: string[] = [];
  const lane = async (): Promise<void> => {
    for (let scenario = queue.shift(); scenario; scenario = queue.shift()) {
      const e2e = await startScalingE2E(scenario.emulator);
      try {
        await scenario.run(e2e, createRecorder(e2e.client, histories));
      } catch (err) {
        failures.push(`${scenario.name}: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        await e2e.close();
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  if (failures.length > 0) throw new Error(`scenarios failed, nothing written:\n${failures.join('\n')}`);
}

describe('recording workflow histories', () => {
  it('records every scenario into a new version folder', { timeout: 900_000 }, async () => {
    const histories = new Map<string, RecordedHistory>();
    const scenarios = chosenScenarios();
    await runAll(histories, scenarios);
    expect(histories.size).toBeGreaterThan(0);

    const version = nextHistoryVersion();
    const folder = join(HISTORIES_DIR, version);
    mkdirSync(folder);
    const names = [...histories.keys()].sort();
    for (const name of names) writeFileSync(join(folder, `${name}.json`), `${JSON.stringify(histories.get(name), null, 1)}\n`);
    const rows = names.map((name) => {
      const { meta } = histories.get(name)!;
      return `| \`${name}.json\` | ${meta.workflowType} | ${meta.moment} | ${meta.partial ? 'running' : 'closed'} | ${meta.description} |`;
    });
    writeFileSync(join(folder, 'README.md'), [
      `# Histories ${version}`,
      '',
      `Recorded by \`npm run record:histories\` on ${new Date().toISOString().slice(0, 10)} from commit ${gitDescription()}.`,
      'Never edit or delete these files: pipelines started on that code look like this, and every later',
      'workflow code must replay them (test/histories/replay-compat.test.ts).',
      ...(scenarios.length < SCENARIOS.length ? ['', `Only the scenarios ${scenarios.map((sc) => `\`${sc.name}\``).join(', ')} (RECORD_SCENARIOS); earlier folders hold the rest.`] : []),
      '',
      '| File | Workflow type | Moment | Run | What had happened |',
      '|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'));
    process.stdout.write(`wrote ${names.length} histories to ${folder}\n`);
  });
});
