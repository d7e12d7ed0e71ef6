/**
 * The pipeline the local stack creates so a newcomer sees something move at once: the
 * taxi sample replayed into the emulator, scaled by the article's step policy with
 * intervals short enough to watch.
 */
import type { PipelineSpecInput } from '../model/spec.js';

/**
 * The sample's day replayed at the article's 1800× peaks near 1,200 records/s: above
 * 80 % of one shard, so the stream grows. The demo's Flink job is calibrated as a
 * heavier job (600 records/s per parallelism unit, set both on the emulated job and in
 * the policy), so parallelism grows with the evening peak and shrinks once the replay
 * ends — every step visible in the dashboard and the Temporal UI within a minute or two.
 */
const DEMO_RATE_PER_PARALLELISM = 600;

export const DEMO_PIPELINE: PipelineSpecInput = {
  id: 'demo',
  stream: { shardCount: 1, adopt: true, retentionHours: 24 },
  application: {
    runtime: 'FLINK-1_20',
    parallelism: 1,
    parallelismPerKpu: 1,
    snapshotsEnabled: true,
    serviceExecutionRole: 'arn:aws:iam::000000000000:role/shardpilot-flink',
    adopt: false,
    properties: { 'shardpilot.emulator': { RecordsPerSecondPerSubtask: String(DEMO_RATE_PER_PARALLELISM) } },
  },
  replay: { source: 'sample', speedup: 1800, startPaused: false },
  scaling: {
    policy: 'article-step',
    enabled: true,
    intervalSeconds: 5,
    periodSeconds: 5,
    cooldownSeconds: 15,
    limits: { minShards: 1, maxShards: 16, minParallelism: 1, maxParallelism: 32, maxKpus: 64 },
    settleTimeoutSeconds: 120,
    verifyTimeoutSeconds: 60,
    parameters: { recordsPerSecondPerParallelism: DEMO_RATE_PER_PARALLELISM },
  },
  retainOnFailure: false,
  retainStreamOnDelete: false,
};

export interface DemoResult {
  ok: boolean;
  message: string;
}

/** POST /pipelines; the API answers an existing pipeline with the same spec as success. */
export async function createDemoPipeline(apiUrl: string, token: string | undefined): Promise<DemoResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${apiUrl}/pipelines`, {
    method: 'POST',
    headers,
    body: JSON.stringify(DEMO_PIPELINE),
    signal: AbortSignal.timeout(15_000),
  });
  const body = await response.text();
  if (response.ok) return { ok: true, message: `demo pipeline: HTTP ${response.status}` };
  return { ok: false, message: `demo pipeline not created: HTTP ${response.status} ${body.slice(0, 500)}` };
}
