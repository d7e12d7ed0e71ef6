/**
 * `npm run bench:startup`: start-up time and memory of the services from TypeScript
 * (tsx; the worker bundles the workflow code at start) and compiled (`npm run build`;
 * plain node, the prebuilt bundle). Each service is started against a Temporal dev
 * server on free ports, timed until it is ready (worker: "worker ready" logged, i.e.
 * polling; API: /healthz 200), and its resident memory read from /proc once ready.
 * Prints a table and writes bench/out/startup.json (with the machine's load).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { devServerArgs, freePort, sleep, waitForTemporal } from './dev-server.js';
import { ManagedChild } from './processes.js';
import { entryPoint, ROOT, type Runtime } from './cluster/shardpilot.js';
import { requireTemporalCli } from './temporal-cli.js';

const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1] || 3);

interface Sample {
  service: 'worker' | 'api';
  runtime: Runtime;
  readyMs: number;
  rssMiB: number;
}

/** RSS of the node process under the with-parent wrapper (its only child). */
async function rssMiB(wrapperPid: number): Promise<number> {
  const children = (await readFile(`/proc/${wrapperPid}/task/${wrapperPid}/children`, 'utf8')).trim().split(/\s+/);
  const status = await readFile(`/proc/${children[0]}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

async function measure(service: Sample['service'], runtime: Runtime, env: Record<string, string | undefined>): Promise<Sample> {
  let ready = false;
  const apiPort = await freePort();
  const started = performance.now();
  const child = new ManagedChild({
    name: service, command: process.execPath, cwd: ROOT,
    args: entryPoint(runtime, service === 'worker' ? 'worker' : 'api'),
    env: { ...env, API_PORT: String(apiPort) },
    onLine: (line) => {
      if (line.includes('worker ready')) ready = true;
    },
  });
  const deadline = Date.now() + 300_000;
  while (!ready) {
    if (child.exit || Date.now() > deadline) throw new Error(`${service} (${runtime}) did not become ready`);
    if (service === 'api') ready = await fetch(`http://127.0.0.1:${apiPort}/healthz`).then((r) => r.ok, () => false);
    await sleep(20);
  }
  const readyMs = performance.now() - started;
  const rss = await rssMiB(child.pid ?? 0);
  await child.stop(10_000);
  return { service, runtime, readyMs, rssMiB: rss };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const port = await freePort();
  const server = new ManagedChild({
    name: 'temporal', command: requireTemporalCli(process.env), env: process.env, onLine: () => undefined,
    args: devServerArgs({ ip: '127.0.0.1', port, namespace: 'default', logLevel: 'error' }),
  });
  try {
    await waitForTemporal(`127.0.0.1:${port}`, 'default', { timeoutMs: 120_000 });
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_ADDRESS: `127.0.0.1:${port}`, TEMPORAL_TASK_QUEUE: 'startup-bench', LOG_LEVEL: 'warn' };
    const load = loadavg()[0]?.toFixed(1);
    const samples: Sample[] = [];
    for (let run = 0; run < RUNS; run++) {
      for (const runtime of ['tsx', 'compiled'] as const) {
        for (const service of ['worker', 'api'] as const) samples.push(await measure(service, runtime, env));
      }
    }
    const rows = (['worker', 'api'] as const).flatMap((service) => (['tsx', 'compiled'] as const).map((runtime) => {
      const mine = samples.filter((s) => s.service === service && s.runtime === runtime);
      return { service, runtime, readyMs: Math.round(median(mine.map((s) => s.readyMs))), rssMiB: Math.round(median(mine.map((s) => s.rssMiB))) };
    }));
    process.stdout.write(`start-up, median of ${RUNS} runs (1-minute load average at start: ${load} on ${availableParallelism()} cores)\n`);
    for (const r of rows) process.stdout.write(`  ${r.service.padEnd(7)} ${r.runtime.padEnd(9)} ready in ${String(r.readyMs).padStart(6)} ms, RSS ${r.rssMiB} MiB\n`);
    await mkdir(join(ROOT, 'bench/out'), { recursive: true });
    await writeFile(join(ROOT, 'bench/out/startup.json'), `${JSON.stringify({ at: new Date().toISOString(), loadAverage1m: Number(load), runs: RUNS, rows, samples }, null, 2)}\n`);
  } finally {
    await server.stop(5_000);
  }
}

await main();
