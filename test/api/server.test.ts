/**
 * The API process (api/server.ts): refuses bad configuration with one line naming the
 * variable, serves on the configured port, and exits cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/dev-server.js';
import { temporalAddress, temporalNamespace } from '../support/temporal.js';

const ROOT = resolve(import.meta.dirname, '../..');

function startServer(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

async function waitForHttp(url: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(2_000) });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe('api/server.ts', () => {
  it('exits 1 with a message naming the bad variable', async () => {
    const server = startServer({ API_PORT: 'eighty' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('API_PORT="eighty"');
  });

  it('listens on API_HOST:API_PORT, is ready once Temporal answers, and exits 0 on SIGTERM', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const server = startServer({
      API_HOST: '127.0.0.1', API_PORT: String(port), TEMPORAL_ADDRESS: temporalAddress(), TEMPORAL_NAMESPACE: temporalNamespace(),
    });
    try {
      // Under tsx on a loaded 2-core machine the API has taken over 30 s to start; this is about readiness, not speed.
      const health = await waitForHttp(`http://127.0.0.1:${port}/healthz`, 90_000);
      expect(health.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  });
});
