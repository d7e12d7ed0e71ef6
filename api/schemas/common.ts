/**
 * Schemas shared by every route: the problem document, path parameters, links.
 * Each is declared once; routes derive their TypeScript types with `Static<>`.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { PipelineId } from '../../model/spec.js';

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
  400: 'Invalid request: `errors` names each field and rule.',
  401: 'Missing or wrong bearer token (only when API_TOKEN is set).',
  404: 'Unknown pipeline.',
  409: 'Conflict, or the pipeline refused the request (its message is in `detail`).',
  413: 'Request body too large.',
  415: 'Unsupported media type (send application/json).',
  503: 'Temporal is unreachable or the pipeline did not answer in time.',
};

/** Response entries for the problems a route can answer with; documented in OpenAPI. */
export function problemResponses(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const status of [401, 503, ...statuses]) {
    out[status] = problemSchema(PROBLEM_DESCRIPTIONS[status] ?? 'Problem.');
  }
  return out;
}

/** Problems for routes that accept a JSON body. */
export const BODY_PROBLEMS = [400, 413, 415] as const;

export const PipelineParams = Type.Object({ id: PipelineId }, { additionalProperties: false });
export type PipelineParams = Static<typeof PipelineParams>;

export const PipelineLinks = Type.Object({
  self: Type.String({ description: 'This pipeline in the API.' }),
  events: Type.String({ description: 'Its lifecycle events.' }),
  temporalUi: Type.String({ description: 'Its workflow in the Temporal Web UI.' }),
});
export type PipelineLinks = Static<typeof PipelineLinks>;
