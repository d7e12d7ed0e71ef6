/**
 * The pipeline spec: declared once as a JSON schema (TypeBox), from which the API
 * validates requests, the OpenAPI document is generated, and the TypeScript types
 * used by workflows and activities are derived. Pure module: safe in workflows.
 */
import { Type, type Static } from 'typebox';
import { ROLE_ARN_PATTERN } from './aws-role.js';

export const PIPELINE_ID_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$';
/** AWS: Kinesis stream names and Flink application names, 1–128 of [a-zA-Z0-9_.-]. */
export const AWS_NAME_PATTERN = '^[a-zA-Z0-9_.-]{1,128}$';

export const PipelineId = Type.String({
  pattern: PIPELINE_ID_PATTERN,
  minLength: 1,
  maxLength: 48,
  description: 'Lower-case letters, digits and dashes; starts and ends with a letter or digit; at most 48 characters.',
});

export const StreamSpec = Type.Object(
  {
    name: Type.Optional(Type.String({ pattern: AWS_NAME_PATTERN, description: 'Defaults to `<id>-trips`.' })),
    shardCount: Type.Integer({ minimum: 1, maximum: 10000, default: 8, description: 'Initial open shards (the article starts with 8).' }),
    adopt: Type.Boolean({ default: false, description: 'Adopt an existing stream of that name instead of failing when it exists.' }),
    retentionHours: Type.Integer({ minimum: 24, maximum: 8760, default: 24 }),
  },
  { additionalProperties: false },
);

export const CodeLocation = Type.Object(
  {
    bucketArn: Type.String({ pattern: '^arn:aws[a-z-]*:s3:::[a-z0-9.-]{3,63}$', default: 'arn:aws:s3:::shardpilot-artifacts' }),
    fileKey: Type.String({ minLength: 1, maxLength: 1024, default: 'taxi-hotspots-1.0.jar' }),
  },
  { additionalProperties: false },
);

export const PropertyGroups = Type.Record(
  Type.String({ pattern: '^[a-zA-Z0-9_.-]{1,50}$' }),
  Type.Record(Type.String({ pattern: '^[a-zA-Z0-9_.-]{1,2048}$' }), Type.String({ maxLength: 2048 }), { additionalProperties: false }),
  {
    additionalProperties: false,
    description: 'Flink runtime properties by group; `FlinkApplicationProperties.InputStreamName` is set to the stream.',
  },
);

export const ApplicationSpec = Type.Object(
  {
    name: Type.Optional(Type.String({ pattern: AWS_NAME_PATTERN, description: 'Defaults to `<id>-hotspots`.' })),
    runtime: Type.String({ pattern: '^FLINK-1_(1[1-9]|20)$', default: 'FLINK-1_20' }),
    parallelism: Type.Integer({ minimum: 1, maximum: 256, default: 1 }),
    parallelismPerKpu: Type.Integer({ minimum: 1, maximum: 8, default: 1 }),
    snapshotsEnabled: Type.Boolean({ default: true }),
    serviceExecutionRole: Type.String({
      pattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$',
      default: 'arn:aws:iam::000000000000:role/shardpilot-flink',
    }),
    codeLocation: Type.Optional(CodeLocation),
    properties: Type.Optional(PropertyGroups),
    adopt: Type.Boolean({ default: false, description: 'Adopt an existing application of that name.' }),
  },
  { additionalProperties: false },
);

export const ReplaySpec = Type.Object(
  {
    source: Type.String({
      minLength: 1,
      maxLength: 1024,
      default: 'sample',
      description: '`sample` (the committed taxi sample) or a path under the data folder (.jsonl, .jsonl.gz, .csv).',
    }),
    speedup: Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000 }), Type.Literal('max')], {
      default: 1800,
      description: 'Event time ÷ wall time (the article uses 1800), or `max` for as fast as the stream accepts.',
    }),
    startPaused: Type.Boolean({ default: false }),
    // Optional (not merely defaulted) so specs written before it keep their type.
    aggregate: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Send KPL-aggregated records (many trips per Kinesis record, as the article replays with `-aggregate`): shards bind on bytes, not on 1,000 records/s.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const POLICY_NAMES = ['article-step', 'adaptive', 'aws-cpu', 'ds2', 'none'] as const;

export const ScalingLimits = Type.Object(
  {
    minShards: Type.Integer({ minimum: 1, maximum: 10000, default: 1 }),
    maxShards: Type.Integer({ minimum: 1, maximum: 10000, default: 16 }),
    minParallelism: Type.Integer({ minimum: 1, maximum: 256, default: 1 }),
    maxParallelism: Type.Integer({ minimum: 1, maximum: 256, default: 32 }),
    maxKpus: Type.Integer({ minimum: 2, maximum: 1000, default: 64 }),
  },
  { additionalProperties: false, default: {} },
);

export const ScalingSpec = Type.Object(
  {
    policy: Type.Enum([...POLICY_NAMES], { default: 'article-step' }),
    enabled: Type.Boolean({ default: true, description: 'false starts the pipeline with autoscaling paused.' }),
    intervalSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 60 }),
    periodSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 60, description: 'CloudWatch period of one observation (60 on AWS; the emulator allows 1).' }),
    cooldownSeconds: Type.Integer({ minimum: 0, maximum: 86400, default: 600 }),
    limits: ScalingLimits,
    settleTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 7200, default: 900 }),
    verifyTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 7200, default: 300 }),
    parameters: Type.Record(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9]{0,63}$' }), Type.Number(), {
      additionalProperties: false,
      default: {},
      description: 'Policy-specific numbers, e.g. `recordsPerSecondPerParallelism` (4400).',
    }),
  },
  { additionalProperties: false },
);

export const PipelineSpecInput = Type.Object(
  {
    id: Type.Optional(PipelineId),
    stream: Type.Optional(StreamSpec),
    application: Type.Optional(ApplicationSpec),
    replay: Type.Optional(ReplaySpec),
    scaling: Type.Optional(ScalingSpec),
    retainOnFailure: Type.Boolean({ default: false, description: 'Keep what provisioning created when it fails.' }),
    retainStreamOnDelete: Type.Boolean({ default: false, description: 'Keep the stream on teardown.' }),
    roleArn: Type.Optional(Type.String({
      pattern: ROLE_ARN_PATTERN,
      maxLength: 2048,
      description: 'IAM role the worker assumes (STS AssumeRole) for this pipeline\'s Kinesis, Flink and CloudWatch calls, e.g. '
        + '`arn:aws:iam::123456789012:role/shardpilot-pipeline`. Absent: the worker\'s own credentials. See docs/operations.md.',
    })),
  },
  { additionalProperties: false },
);

export type PipelineSpecInput = Static<typeof PipelineSpecInput>;
export type StreamSpec = Static<typeof StreamSpec>;
export type ApplicationSpec = Static<typeof ApplicationSpec>;
export type ReplaySpec = Static<typeof ReplaySpec>;
export type ScalingSpec = Static<typeof ScalingSpec>;
export type ScalingLimits = Static<typeof ScalingLimits>;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** The fully-defaulted, resolved spec a workflow runs with (names derived, defaults applied). */
export interface PipelineSpec {
  id: string;
  stream: Required<Omit<StreamSpec, 'name'>> & { name: string };
  application: Required<Omit<ApplicationSpec, 'name' | 'codeLocation' | 'properties'>> & {
    name: string;
    codeLocation: { bucketArn: string; fileKey: string };
    properties: Record<string, Record<string, string>>;
  };
  /** `aggregate` stays optional: specs recorded before it existed have none (false). */
  replay: (Required<Omit<ReplaySpec, 'aggregate'>> & { aggregate?: boolean }) | null;
  scaling: ScalingSpec;
  retainOnFailure: boolean;
  retainStreamOnDelete: boolean;
  /** Absent when the spec names no role (and in specs recorded before roles existed). */
  roleArn?: string;
}

export const DEFAULT_LIMITS: ScalingLimits = { minShards: 1, maxShards: 16, minParallelism: 1, maxParallelism: 32, maxKpus: 64 };

/**
 * Applies the article's defaults and derives resource names. Pure and deterministic, so
 * the API (to compare specs for idempotency) and the workflow agree on the result.
 */
export function resolveSpec(input: PipelineSpecInput, id: string): PipelineSpec {
  const stream = input.stream;
  const app = input.application;
  const streamName = stream?.name ?? `${id}-trips`;
  const scaling = input.scaling;
  const properties: Record<string, Record<string, string>> = { ...(app?.properties ?? {}) };
  properties.FlinkApplicationProperties = {
    ...(properties.FlinkApplicationProperties ?? {}),
    InputStreamName: streamName,
  };
  return {
    id,
    stream: {
      name: streamName,
      shardCount: stream?.shardCount ?? 8,
      adopt: stream?.adopt ?? false,
      retentionHours: stream?.retentionHours ?? 24,
    },
    application: {
      name: app?.name ?? `${id}-hotspots`,
      runtime: app?.runtime ?? 'FLINK-1_20',
      parallelism: app?.parallelism ?? 1,
      parallelismPerKpu: app?.parallelismPerKpu ?? 1,
      snapshotsEnabled: app?.snapshotsEnabled ?? true,
      serviceExecutionRole: app?.serviceExecutionRole ?? 'arn:aws:iam::000000000000:role/shardpilot-flink',
      codeLocation: app?.codeLocation ?? { bucketArn: 'arn:aws:s3:::shardpilot-artifacts', fileKey: 'taxi-hotspots-1.0.jar' },
      properties,
      adopt: app?.adopt ?? false,
    },
    replay: input.replay
      ? {
          source: input.replay.source ?? 'sample',
          speedup: input.replay.speedup ?? 1800,
          startPaused: input.replay.startPaused ?? false,
          aggregate: input.replay.aggregate ?? false,
        }
      : null,
    scaling: {
      policy: scaling?.policy ?? 'article-step',
      enabled: scaling?.enabled ?? true,
      intervalSeconds: scaling?.intervalSeconds ?? 60,
      periodSeconds: scaling?.periodSeconds ?? 60,
      cooldownSeconds: scaling?.cooldownSeconds ?? 600,
      limits: { ...DEFAULT_LIMITS, ...(scaling?.limits ?? {}) },
      settleTimeoutSeconds: scaling?.settleTimeoutSeconds ?? 900,
      verifyTimeoutSeconds: scaling?.verifyTimeoutSeconds ?? 300,
      parameters: scaling?.parameters ?? {},
    },
    retainOnFailure: input.retainOnFailure ?? false,
    retainStreamOnDelete: input.retainStreamOnDelete ?? false,
    // Only when set, so specs without a role resolve exactly as before (idempotency compares them).
    ...(input.roleArn === undefined ? {} : { roleArn: input.roleArn }),
  };
}

/** Cross-field rules JSON schema cannot express. Returns `[field, rule]` pairs; empty when valid. */
export function crossFieldErrors(spec: PipelineSpec): Array<[string, string]> {
  const errors: Array<[string, string]> = [];
  const l = spec.scaling.limits;
  if (l.minShards > l.maxShards) errors.push(['/scaling/limits/minShards', 'must not exceed maxShards']);
  if (l.minParallelism > l.maxParallelism) errors.push(['/scaling/limits/minParallelism', 'must not exceed maxParallelism']);
  const kpus = kpusFor(spec.application.parallelism, spec.application.parallelismPerKpu);
  if (kpus > l.maxKpus) errors.push(['/application/parallelism', `needs ${kpus} KPUs, above scaling.limits.maxKpus (${l.maxKpus})`]);
  return errors;
}

export function kpusFor(parallelism: number, parallelismPerKpu: number): number {
  return Math.ceil(parallelism / parallelismPerKpu) + 1;
}
