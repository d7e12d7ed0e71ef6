/**
 * Runs one job per seed on worker threads (the generated suite's and the causal
 * reference's): a shared queue, since traces differ in length and fixed slices balance
 * worse; each job is pure and independent, so the figures are the same as in one thread;
 * results come back in the jobs' order. The workers load TypeScript through tsx's ESM API,
 * as the CLI itself runs under tsx; `entry` posts one result per job it is sent.
 */
import { Worker } from 'node:worker_threads';

export async function runOnWorkers<Job extends { seed: number }, Result extends { seed: number }>(
  entry: URL, jobs: Job[], workers: number, progress?: (done: number) => void,
): Promise<Result[]> {
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  const results = new Map<number, Result>();
  let next = 0;
  const one = () => new Promise<void>((resolve, reject) => {
    const worker = new Worker(boot, { eval: true });
    const send = () => {
      if (next >= jobs.length) {
        void worker.terminate().then(() => resolve());
        return;
      }
      worker.postMessage(jobs[next++]!);
    };
    worker.on('message', (result: Result) => {
      results.set(result.seed, result);
      progress?.(results.size);
      send();
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0 && code !== 1) reject(new Error(`a benchmark worker (${entry.pathname}) exited with code ${code}`));
    });
    worker.on('online', send);
  });
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, one));
  return jobs.map((job) => results.get(job.seed)!);
}
