/**
 * The pipeline the local stack creates so a newcomer sees something move at once: the
 * taxi sample replayed into the emulator, scaled by the article's step policy with
 * intervals short enough to watch.
 */
import type { PipelineSpecInput } from '../model/spec.js';

export const DEMO_PIPELINE: PipelineSpecInput = {
  id: 'demo',
  stream: { shardCount: 2, adopt: true, retentionHours: 24 },
  replay: { source: 'sample', speedup: 1800, startPaused: false },
  scaling: {
    policy: 'article-step',
    enabled: true,
    intervalSeconds: 10,
    periodSeconds: 10,
    cooldownSeconds: 30,
    limits: { minShards: 1, maxShards: 16, minParallelism: 1, maxParallelism: 32, maxKpus: 64 },
    settleTimeoutSeconds: 120,
    verifyTimeoutSeconds: 60,
    parameters: {},
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
