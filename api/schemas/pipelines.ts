/**
 * Schemas of the pipeline resource: create, list, read, events, teardown.
 * Request bodies come from the model's TypeBox spec; responses that mirror workflow
 * query results reuse the model's TypeScript types (declared once, in model/status.ts).
 */
import { Type, type Static } from 'typebox';
import { PIPELINE_ID_PATTERN, PipelineId } from '../../model/spec.js';
import { PIPELINE_PHASES, type PipelineEvent, type PipelineStatus } from '../../model/status.js';
import { FreshnessSchema } from '../freshness.js';
import { PipelineLinks } from './common.js';

export const PhaseSchema = Type.Enum([...PIPELINE_PHASES]);

export const CreatePipelineHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      pattern: PIPELINE_ID_PATTERN,
      maxLength: 48,
      description: 'Used as the pipeline id when the body has none (same rules: lower-case letters, digits, dashes); repeating a create with the same key is safe.',
    }),
  ),
});
export type CreatePipelineHeaders = Static<typeof CreatePipelineHeaders>;

export const CreatePipelineResponse = Type.Object({
  id: PipelineId,
  workflowId: Type.String(),
  runId: Type.String(),
  created: Type.Boolean({ description: 'false when an identical pipeline already existed (idempotent repeat).' }),
  links: PipelineLinks,
});
export type CreatePipelineResponse = Static<typeof CreatePipelineResponse>;

export const ListPipelinesQuery = Type.Object(
  {
    phase: Type.Optional(PhaseSchema),
    pageSize: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
    nextPageToken: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, pattern: '^[A-Za-z0-9_-]+$', description: 'Opaque token from the previous page.' })),
  },
  { additionalProperties: false },
);
export type ListPipelinesQuery = Static<typeof ListPipelinesQuery>;

export const PipelineSummary = Type.Object({
  id: Type.String(),
  workflowId: Type.String(),
  runId: Type.String(),
  phase: Type.Union([PhaseSchema, Type.Null()], { description: 'The PipelinePhase search attribute.' }),
  streamName: Type.Union([Type.String(), Type.Null()]),
  applicationName: Type.Union([Type.String(), Type.Null()]),
  execution: Type.String({ description: 'Temporal execution status: RUNNING, COMPLETED, FAILED, …' }),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  closedAt: Type.Union([Type.String(), Type.Null()]),
  links: PipelineLinks,
});
export type PipelineSummary = Static<typeof PipelineSummary>;

export const ListPipelinesResponse = Type.Object({
  pipelines: Type.Array(PipelineSummary),
  nextPageToken: Type.Union([Type.String(), Type.Null()], { description: 'Pass back to get the next page; null on the last page.' }),
  freshness: FreshnessSchema,
});
export type ListPipelinesResponse = Static<typeof ListPipelinesResponse>;

/** An object documented by its description; its fields are those of the model type named there. */
const described = (description: string, nullable = false) => ({
  type: nullable ? ['object', 'null'] : 'object', additionalProperties: true, description,
});

export const PipelineStatusResponse = Type.Unsafe<PipelineStatus & { freshness: Static<typeof FreshnessSchema> }>({
  type: 'object',
  description: 'The pipeline workflow\'s status query (model/status.ts PipelineStatus).',
  properties: {
    id: Type.String(),
    phase: PhaseSchema,
    spec: described('The resolved spec the pipeline runs with (defaults applied, names derived).'),
    resources: described('Stream and application names, ARNs, version id; whether this pipeline created them.'),
    capacity: described('Current shards, parallelism, ParallelismPerKPU and KPUs.', true),
    autoscaling: described('Policy, paused, interval, cooldown, limits and parameters in force.'),
    activeAction: described('The scaling action under way, if any.', true),
    replay: described('Replay progress, if the pipeline has a replay.', true),
    lastError: described('The last error: when, in which step, what.', true),
    attention: { type: ['string', 'null'], description: 'What a person must do (DEGRADED or FAILED).' },
    shardUpdatesLast24h: Type.Integer({ description: 'Reshards in the rolling 24 h (AWS allows 10 UpdateShardCount calls; past them an override or a rollback reshards with SplitShard/MergeShards, so this can exceed 10).' }),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    continuedAsNewCount: Type.Integer(),
    freshness: FreshnessSchema,
  },
  required: ['id', 'phase', 'freshness'],
  additionalProperties: true,
});

export const PipelineEventSchema = Type.Unsafe<PipelineEvent>({
  type: 'object',
  properties: {
    at: Type.String(),
    kind: Type.String({ description: 'phase, step, compensation, scaling, replay, override, error, …' }),
    message: Type.String(),
    data: Type.Object({}, { additionalProperties: true }),
  },
  required: ['at', 'kind', 'message'],
  additionalProperties: false,
});

export const PipelineEventsResponse = Type.Object({ id: Type.String(), events: Type.Array(PipelineEventSchema) });
export type PipelineEventsResponse = Static<typeof PipelineEventsResponse>;

export const TeardownQuery = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
  { additionalProperties: false },
);
export type TeardownQuery = Static<typeof TeardownQuery>;

export const TeardownResponse = Type.Object({
  id: Type.String(),
  workflowId: Type.String(),
  message: Type.String(),
  links: PipelineLinks,
});
export type TeardownResponse = Static<typeof TeardownResponse>;
