/**
 * Where the cluster's binaries are: scripts/setup-cluster.sh builds (or finds) them and
 * writes their paths to ~/.cache/shardpilot/cluster.env, which this module reads, so the
 * scripts and the tests run exactly what setup resolved.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ClusterTools {
  serverVersion: string;
  serverBin: string;
  sqlToolBin: string;
  /** Folder holding `temporal/versioned` and `visibility/versioned` (PostgreSQL 12+ schema). */
  schemaDir: string;
  uiVersion: string;
  uiServerBin: string;
  /** Folder holding initdb, pg_ctl, postgres and psql. */
  postgresBin: string;
}

const KEYS: Record<keyof ClusterTools, string> = {
  serverVersion: 'TEMPORAL_SERVER_VERSION',
  serverBin: 'TEMPORAL_SERVER_BIN',
  sqlToolBin: 'TEMPORAL_SQL_TOOL_BIN',
  schemaDir: 'TEMPORAL_SCHEMA_DIR',
  uiVersion: 'TEMPORAL_UI_VERSION',
  uiServerBin: 'TEMPORAL_UI_SERVER_BIN',
  postgresBin: 'POSTGRES_BIN',
};

export function clusterEnvFile(home: string = homedir()): string {
  return join(home, '.cache', 'shardpilot', 'cluster.env');
}

/** Throws a message that says which command to run when setup has not run yet. */
export function readClusterTools(home: string = homedir()): ClusterTools {
  const file = clusterEnvFile(home);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`bash scripts/setup-cluster.sh\` first.`);
  const values = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) values.set(line.slice(0, at), line.slice(at + 1));
  }
  const tools = {} as ClusterTools;
  for (const [field, key] of Object.entries(KEYS) as Array<[keyof ClusterTools, string]>) {
    const value = values.get(key);
    if (value === undefined || value === '') throw new Error(`${file} has no ${key}: run \`bash scripts/setup-cluster.sh\` again.`);
    tools[field] = value;
  }
  for (const path of [tools.serverBin, tools.sqlToolBin, tools.uiServerBin, tools.schemaDir, tools.postgresBin]) {
    if (!existsSync(path)) throw new Error(`${path} (from ${file}) is missing: run \`bash scripts/setup-cluster.sh\` again.`);
  }
  return tools;
}
