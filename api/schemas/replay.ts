/** Schemas of the replay resource: start, controls, progress. */
import { Type } from 'typebox';
import { ReplaySpec } from '../../model/spec.js';
import type { ReplayProgress } from '../../model/status.js';
import type { ReplayStartRequest } from '../../workflows/contract.js';
import { patchOf, withoutDefault } from './patch.js';

/** Fields left out fall back to the pipeline's spec (then to the spec defaults), so no defaults are filled here. */
export const ReplayStartBody = Type.Unsafe<ReplayStartRequest>(patchOf(ReplaySpec, 'Replay settings; omitted fields come from the pipeline spec.'));

export const ReplaySpeedupBody = Type.Object(
  { speedup: withoutDefault(ReplaySpec.properties.speedup) },
  { additionalProperties: false, description: 'New speedup for the running replay.' },
);

export const REPLAY_CONTROLS = ['pause', 'resume', 'stop'] as const;

export const ReplayProgressResponse = Type.Unsafe<ReplayProgress>({
  type: 'object',
  description: 'Events sent, events/s, lag behind schedule, throttled retries, malformed lines, percent done and ETA.',
  properties: {
    state: Type.String(),
    eventsSent: Type.Number(),
    percent: Type.Union([Type.Number(), Type.Null()]),
  },
  additionalProperties: true,
});
