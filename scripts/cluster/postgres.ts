/**
 * A private PostgreSQL instance for the local Temporal cluster: its own data folder,
 * listening on 127.0.0.1 only (no Unix socket), password authentication, started as a
 * child process (so it stops with the script) from the distribution's binaries.
 *
 * PostgreSQL refuses to run as root; when we are root (containers, CI) the server and
 * initdb run as the `postgres` user the distribution package creates, and the data
 * folder is handed to that user.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ProcessSpec } from './components.js';

const run = promisify(execFile);

export const POSTGRES_USER = 'temporal';

export interface PostgresOptions {
  /** Folder with initdb, postgres, psql (ClusterTools.postgresBin). */
  bin: string;
  /** Folder for this instance's files: `pgdata/` and `password`. */
  dir: string;
  port: number;
}

interface Owner {
  uid: number;
  gid: number;
}

async function systemPostgresUser(): Promise<Owner | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    throw new Error('running as root, but there is no `postgres` user to run PostgreSQL as (install the distribution package: bash scripts/setup-cluster.sh)');
  }
}

/** The command line that runs `command` as the user owning the data folder. */
function asOwner(owner: Owner | undefined, command: string, args: string[]): [string, string[]] {
  if (owner === undefined) return [command, args];
  return ['setpriv', [`--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--clear-groups', '--', command, ...args]];
}

function errorText(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr?.trim() || e.message || String(err)).split('\n').slice(-10).join('\n');
}

export class PostgresInstance {
  private constructor(
    private readonly options: PostgresOptions,
    private readonly owner: Owner | undefined,
    readonly password: string,
  ) {}

  get pgdata(): string {
    return join(this.options.dir, 'pgdata');
  }

  get port(): number {
    return this.options.port;
  }

  /** Creates the data folder on first use (initdb); later runs reuse it and its password. */
  static async prepare(options: PostgresOptions): Promise<PostgresInstance> {
    const owner = await systemPostgresUser();
    await mkdir(options.dir, { recursive: true });
    const passwordFile = join(options.dir, 'password');
    const pgdata = join(options.dir, 'pgdata');
    if (!existsSync(join(pgdata, 'PG_VERSION'))) {
      const password = randomBytes(18).toString('base64url');
      await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
      await mkdir(pgdata, { recursive: true, mode: 0o700 });
      if (owner) {
        await chown(options.dir, owner.uid, owner.gid);
        await chown(pgdata, owner.uid, owner.gid);
        await chown(passwordFile, owner.uid, owner.gid);
      }
      const [command, args] = asOwner(owner, join(options.bin, 'initdb'), [
        '--pgdata', pgdata, '--username', POSTGRES_USER, '--pwfile', passwordFile,
        '--auth', 'scram-sha-256', '--encoding', 'UTF8', '--locale', 'C', '--no-instructions',
      ]);
      try {
        await run(command, args, { cwd: options.dir });
      } catch (err) {
        throw new Error(`initdb failed in ${pgdata} (the \`postgres\` user must be able to reach that folder): ${errorText(err)}`);
      }
    }
    const password = (await readFile(passwordFile, 'utf8')).trim();
    await chmod(passwordFile, 0o600);
    return new PostgresInstance(options, owner, password);
  }

  /** The server in the foreground, so stopping its process stops PostgreSQL (SIGTERM = smart shutdown). */
  command(): ProcessSpec {
    const [command, args] = asOwner(this.owner, join(this.options.bin, 'postgres'), [
      '-D', this.pgdata, '-p', String(this.options.port),
      '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
      // Temporal's four services each keep a pool; the default 100 is enough, but say it.
      '-c', 'max_connections=200',
    ]);
    return { command, args, env: { PATH: process.env.PATH, LANG: 'C' }, cwd: this.options.dir };
  }

  /** Runs one SQL statement with psql and returns its unaligned output. */
  async query(sql: string, database = 'postgres'): Promise<string> {
    const { stdout } = await run(join(this.options.bin, 'psql'), [
      '-h', '127.0.0.1', '-p', String(this.options.port), '-U', POSTGRES_USER, '-d', database, '-v', 'ON_ERROR_STOP=1', '-tAc', sql,
    ], { env: { PATH: process.env.PATH, PGPASSWORD: this.password, PGCONNECT_TIMEOUT: '2' } });
    return stdout.trim();
  }

  async isReady(): Promise<boolean> {
    try {
      return (await this.query('select 1')) === '1';
    } catch {
      return false;
    }
  }
}
