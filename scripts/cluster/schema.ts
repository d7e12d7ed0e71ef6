/**
 * Temporal's two PostgreSQL databases (history/persistence and visibility), created and
 * migrated with the server's own SQL tool and the schema files of the same server
 * version. Safe to run on every start: creation happens once, and `update-schema`
 * applies only the versions the database does not have yet — which is also how a
 * server upgrade migrates an existing data folder.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ClusterTools } from './tools.js';
import { POSTGRES_USER, type PostgresInstance } from './postgres.js';

const run = promisify(execFile);

export const DATABASES = { temporal: 'temporal', visibility: 'temporal_visibility' } as const;

async function sqlTool(tools: ClusterTools, postgres: PostgresInstance, database: string, args: string[]): Promise<void> {
  const common = [
    '--plugin', 'postgres12', '--endpoint', '127.0.0.1', '--port', String(postgres.port),
    '--user', POSTGRES_USER, '--password', postgres.password, '--database', database,
  ];
  try {
    await run(tools.sqlToolBin, [...common, ...args], { env: { PATH: process.env.PATH } });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message?: string };
    const detail = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n') || e.message;
    throw new Error(`temporal-sql-tool ${args[0]} on ${database} failed: ${detail}`);
  }
}

async function ensureDatabase(tools: ClusterTools, postgres: PostgresInstance, database: string, schemaSubdir: string): Promise<void> {
  const exists = (await postgres.query(`select 1 from pg_database where datname = '${database}'`)) === '1';
  if (!exists) {
    await sqlTool(tools, postgres, database, ['create-database']);
  }
  const versioned = (await postgres.query(`select to_regclass('public.schema_version') is not null`, database)) === 't';
  // The base version table first (version 0.0), then every versioned step up to the latest.
  if (!versioned) await sqlTool(tools, postgres, database, ['setup-schema', '--version', '0.0']);
  await sqlTool(tools, postgres, database, ['update-schema', '--schema-dir', join(tools.schemaDir, schemaSubdir, 'versioned')]);
}

export async function ensureSchemas(tools: ClusterTools, postgres: PostgresInstance): Promise<void> {
  await ensureDatabase(tools, postgres, DATABASES.temporal, 'temporal');
  await ensureDatabase(tools, postgres, DATABASES.visibility, 'visibility');
}

/** The schema version recorded in a database (what `update-schema` reached). */
export async function schemaVersion(postgres: PostgresInstance, database: string): Promise<string> {
  return postgres.query('select curr_version from schema_version', database);
}
