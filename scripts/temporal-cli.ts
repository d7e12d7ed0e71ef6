/**
 * Finds the Temporal CLI the same way scripts/setup.sh does, so the local stack and
 * the test harness always run the binary that setup resolved (or built).
 */
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

type Env = Record<string, string | undefined>;

/** Outside the repository on purpose: every clone reuses one build of the CLI. */
export function cachedCliPath(home: string = homedir()): string {
  return join(home, '.cache', 'shardpilot', 'bin', 'temporal');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `TEMPORAL_CLI`, then `temporal` on the PATH, then the user-level cache; undefined when none exists. */
export function findTemporalCli(env: Env, home: string = homedir()): string | undefined {
  const explicit = env.TEMPORAL_CLI;
  if (explicit) return isExecutable(explicit) ? explicit : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'temporal');
    if (isExecutable(candidate)) return candidate;
  }
  const cached = cachedCliPath(home);
  return isExecutable(cached) ? cached : undefined;
}

export function requireTemporalCli(env: Env, home: string = homedir()): string {
  const cli = findTemporalCli(env, home);
  if (cli === undefined) {
    const why = env.TEMPORAL_CLI ? `TEMPORAL_CLI=${env.TEMPORAL_CLI} is not an executable file` : 'no Temporal CLI found';
    throw new Error(`${why}; run \`bash scripts/setup.sh\` (it installs one into ${cachedCliPath(home)}).`);
  }
  return cli;
}
