/** Schemas of the scaling resource: overrides, autoscaling settings, history, metrics. */
import { Type, type Static } from 'typebox';
import { POLICY_NAMES, ScalingLimits, ScalingSpec } from '../../model/spec.js';
import type { AutoscalingSettings, ScalingRecord } from '../../model/status.js';
import type { MetricsSample } from '../../scaling/types.js';
import type { AutoscalingChange, ScaleOverrideResult } from '../../workflows/contract.js';
import { patchOf, withoutDefault } from './patch.js';

export const ScaleRequest = Type.Object(
  {
    shards: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, description: 'Target open shards (AWS allows ½×…2× per step).' })),
    parallelism: Type.Optional(Type.Integer({ minimum: 1, maximum: 256, description: 'Target Flink parallelism.' })),
    parallelismPerKpu: Type.Optional(Type.Integer({ minimum: 1, maximum: 8, description: 'Target ParallelismPerKPU (subtasks per KPU; changes the KPUs billed).' })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  {
    additionalProperties: false,
    // The schema itself says "at least one target", so a generated client or a fuzzer never sends a body the API refuses.
    anyOf: [{ required: ['shards'] }, { required: ['parallelism'] }, { required: ['parallelismPerKpu'] }],
    description: 'A manual capacity target; set shards, parallelism, parallelismPerKpu or several.',
  },
);
export type ScaleRequest = Static<typeof ScaleRequest>;

const CapacityPair = Type.Object({ shards: Type.Integer(), parallelism: Type.Integer() });
const Target = Type.Object({
  shards: Type.Optional(Type.Integer()), parallelism: Type.Optional(Type.Integer()), parallelismPerKpu: Type.Optional(Type.Integer()),
});

export const ScaleResponse = Type.Unsafe<ScaleOverrideResult>(Type.Object({
  accepted: Type.Literal(true),
  target: Target,
  before: CapacityPair,
  message: Type.String(),
}, { description: 'The accepted action; it is applied, verified and rolled back like any scaling action.' }));

export const AutoscalingChangeBody = Type.Unsafe<AutoscalingChange>(Type.Object(
  {
    paused: Type.Optional(Type.Boolean({ description: 'true pauses the control loop; false resumes it.' })),
    policy: Type.Optional(Type.Enum([...POLICY_NAMES])),
    intervalSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
    cooldownSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86400 })),
    limits: Type.Optional(patchOf(ScalingLimits, 'Only the bounds to change.')),
    parameters: Type.Optional(withoutDefault(ScalingSpec.properties.parameters)),
  },
  { additionalProperties: false, minProperties: 1, description: 'Only the settings to change.' },
));

export const AutoscalingSettingsResponse = Type.Unsafe<AutoscalingSettings>({
  type: 'object',
  description: 'The autoscaling settings in force after the change.',
  properties: { policy: Type.String(), paused: Type.Boolean() },
  additionalProperties: true,
});

const ScalingRecordSchema = Type.Unsafe<ScalingRecord>({
  type: 'object',
  description: 'A decision, action, verification, rollback, override, rejection or settings change, with reasons.',
  properties: {
    at: Type.String(),
    kind: Type.String(),
    source: Type.String(),
    outcome: Type.String(),
    reasons: Type.Array(Type.String()),
  },
  additionalProperties: true,
});

export const ScalingHistoryResponse = Type.Object({ id: Type.String(), history: Type.Array(ScalingRecordSchema) });

const MetricsSampleSchema = Type.Unsafe<MetricsSample>({
  type: 'object',
  description: 'One CloudWatch period; null means no datapoint.',
  properties: { timestamp: Type.Number(), periodSeconds: Type.Number() },
  additionalProperties: true,
});

export const MetricsResponse = Type.Object({ id: Type.String(), samples: Type.Array(MetricsSampleSchema) });
