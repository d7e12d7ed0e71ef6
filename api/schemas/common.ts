/**
 * Schemas shared by every route: the problem document, path parameters, links.
 * Each is declared once; routes derive their TypeScript types with `Static<>`.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { PipelineId } from '../../model/spec.js';
import { PROBLEM_CONTENT_TYPE } from '../errors.js';

export const FieldErrorSchema = Type.Object({
  field: Type.String({ description: 'JSON pointer into the request part, e.g. /stream/shardCount.' }),
  rule: Type.String({ description: 'The rule the value broke, e.g. "must be <= 10000".' }),
  in: Type.String({ description: 'body, querystring, params or headers.' }),
});

function problemSchema(description: string) {
  return Type.Object(
    {
      type: Type.String(),
      title: Type.String(),
      status: Type.Integer(),
      detail: Type.String(),
      instance: Type.String(),
      errors: Type.Optional(Type.Array(FieldErrorSchema)),
    },
    { description: `${description} RFC 9457 problem details (application/problem+json).` },
  );
}

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: `errors` names each field and the schema rule it broke.',
  401: 'Missing or wrong bearer token (only when API_TOKEN is set).',
  404: 'Unknown pipeline.',
  405: 'The path exists but not with this method; `Allow` lists the methods it has.',
  409: 'Conflict, or the pipeline refused the request (its message is in `detail`); on a read, the pipeline\'s workflow was closed in a way that cannot answer (e.g. terminated).',
  413: 'Request body too large.',
  415: 'Unsupported media type (send application/json).',
  422: 'Valid against the schema but breaks a rule across fields (e.g. parallelism needing more KPUs than maxKpus): `errors` names each.',
  429: 'Too many requests from this client; `Retry-After` says when to try again.',
  503: 'Temporal is unreachable, the pipeline did not answer in time, or its worker is replaying it after a restart; `Retry-After` says when to try again.',
};

/** A problem response as OpenAPI and Fastify's serializer both read it: its own media type. */
export function problemResponse(status: number): TSchema {
  const description = PROBLEM_DESCRIPTIONS[status] ?? 'Problem.';
  return {
    description,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema(description) } },
  } as unknown as TSchema;
}

/** Response entries for the problems a route can answer with; documented in OpenAPI. */
export function problemResponses(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const status of [401, 503, ...statuses]) out[status] = problemResponse(status);
  return out;
}

/** Problems for routes that accept a JSON body. */
export const BODY_PROBLEMS = [400, 413, 415] as const;

/** Problems of routes that change something: they are rate limited per client. */
export const WRITE_PROBLEMS = [400, 413, 415, 429] as const;

export const PipelineParams = Type.Object({ id: PipelineId }, { additionalProperties: false });
export type PipelineParams = Static<typeof PipelineParams>;

export const PipelineLinks = Type.Object({
  self: Type.String({ description: 'This pipeline in the API.' }),
  events: Type.String({ description: 'Its lifecycle events.' }),
  temporalUi: Type.String({ description: 'Its workflow in the Temporal Web UI.' }),
});
export type PipelineLinks = Static<typeof PipelineLinks>;
