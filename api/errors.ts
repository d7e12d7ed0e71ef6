/**
 * The API's one error boundary: every failure a route can meet (validation, HTTP
 * parsing, Temporal) becomes an RFC 9457 problem document here, and only here.
 * A 5xx never carries the underlying message: it may name hosts, ports or stacks.
 */
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import {
  QueryNotRegisteredError, QueryRejectedError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { STALE_ACTIVATION_REFUSED } from '../workflows/contract.js';

export interface FieldError {
  /** JSON pointer into the request part, e.g. `/stream/shardCount`. */
  field: string;
  /** The rule the value broke, e.g. `must be <= 10000`. */
  rule: string;
  /** Which part of the request: body, querystring, params or headers. */
  in: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TYPE_BASE = 'urn:shardpilot:problem:';

/** An error a route throws on purpose; the handler sends it as it is. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'ProblemError';
  }
}

export function invalidRequest(errors: FieldError[], detail?: string): ProblemError {
  const summary = errors.map((e) => `${e.field} ${e.rule}`).join('; ');
  return new ProblemError(400, 'validation', 'Invalid request', detail ?? summary, errors);
}

/** Valid against the schema, but breaks a rule that spans fields (which JSON Schema cannot state). */
export function unprocessable(errors: FieldError[]): ProblemError {
  const summary = errors.map((e) => `${e.field} ${e.rule}`).join('; ');
  return new ProblemError(422, 'unprocessable', 'Inconsistent request', summary, errors);
}

export function pipelineNotFound(id: string): ProblemError {
  return new ProblemError(404, 'pipeline-not-found', 'Pipeline not found', `No pipeline with id "${id}".`);
}

export function conflict(detail: string): ProblemError {
  return new ProblemError(409, 'conflict', 'Conflict', detail);
}

export function pipelineClosed(id: string | undefined): ProblemError {
  const which = id === undefined ? 'The pipeline' : `Pipeline "${id}"`;
  return new ProblemError(409, 'pipeline-closed', 'Pipeline is closed', `${which} has finished (deleted or failed) and no longer accepts this request.`);
}

export function temporalUnavailable(): ProblemError {
  return new ProblemError(503, 'temporal-unavailable', 'Temporal is unreachable', 'The workflow service did not answer; try again shortly.');
}

export function pipelineRecovering(): ProblemError {
  return new ProblemError(
    503,
    'pipeline-recovering',
    'Pipeline is recovering',
    'The pipeline\'s worker is replaying its history after a restart and refused to answer from a stale state; try again shortly.',
  );
}

export function workerUnresponsive(): ProblemError {
  return new ProblemError(
    503,
    'pipeline-unresponsive',
    'Pipeline did not answer',
    'The pipeline workflow did not answer in time; is a shardpilot worker running on its task queue?',
  );
}

/** gRPC status codes we react to (from @grpc/grpc-js `status`). */
const GRPC = { INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, FAILED_PRECONDITION: 9, UNAVAILABLE: 14 } as const;

/** The gRPC status code carried by an error or one of its causes, if any. */
export function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number' && 'metadata' in e) return code;
  }
  return undefined;
}

function causeOfType<T extends Error>(err: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof type) return e;
  }
  return undefined;
}

/** Maps what the Temporal client throws to a problem, or undefined when it is not a Temporal error we know. */
export function temporalProblem(err: unknown): ProblemError | undefined {
  if (err instanceof WorkflowUpdateFailedError) {
    // The workflow refused the update (validator or handler): its message is meant for the caller.
    const failure = causeOfType(err, ApplicationFailure);
    const detail = failure?.message || err.cause?.message || 'The pipeline refused the request.';
    return new ProblemError(409, 'rejected-by-pipeline', 'Rejected by the pipeline', detail);
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return workerUnresponsive();
  // A query the worker refused at a stale workflow time (workflows/stale-activation.ts) arrives as a failed query too:
  // the run is being replayed on its worker, so the next read is answered.
  if (err instanceof QueryNotRegisteredError && err.message.includes(STALE_ACTIVATION_REFUSED)) return pipelineRecovering();
  if (err instanceof QueryNotRegisteredError) {
    return new ProblemError(501, 'not-supported-by-pipeline', 'Not supported by this pipeline', 'This pipeline\'s workflow version does not answer that question.');
  }
  if (err instanceof QueryRejectedError) return pipelineClosed(undefined);
  if (err instanceof WorkflowNotFoundError) return pipelineNotFound(err.workflowId.replace(/^pipeline-/, ''));
  const code = grpcCode(err);
  if (code === GRPC.UNAVAILABLE) return temporalUnavailable();
  if (code === GRPC.DEADLINE_EXCEEDED) return workerUnresponsive();
  if (code === GRPC.FAILED_PRECONDITION) return pipelineClosed(undefined);
  return undefined;
}

interface AjvError {
  instancePath: string;
  schemaPath?: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/**
 * `anyOf: [{ required: [a] }, { required: [b] }]` ("set a, b or both") fails as one
 * `required` per branch plus the `anyOf` itself; the caller should read one rule.
 */
function alternativesRequired(errors: AjvError[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const v of errors) {
    const branch = v.schemaPath ? /^(.*\/anyOf)\/\d+\/required$/.exec(v.schemaPath) : null;
    if (v.keyword !== 'required' || !branch || typeof v.params.missingProperty !== 'string') continue;
    const key = `${v.instancePath}|${branch[1]}`;
    groups.set(key, [...(groups.get(key) ?? []), v.params.missingProperty]);
  }
  return groups;
}

interface FastifyLikeError extends Error {
  code?: string;
  statusCode?: number;
  validation?: AjvError[];
  validationContext?: string;
}

/** Turns ajv errors into `{ field, rule }` pairs that name the JSON pointer and the broken rule. */
export function fieldErrors(err: FastifyLikeError): FieldError[] {
  const part = err.validationContext ?? 'body';
  const seen = new Set<string>();
  const out: FieldError[] = [];
  const alternatives = alternativesRequired(err.validation ?? []);
  for (const [key, names] of alternatives) {
    const instancePath = key.slice(0, key.indexOf('|'));
    out.push({ field: `${instancePath}/${names[0]}`, rule: `set at least one of ${names.join(', ')}`, in: part });
  }
  for (const v of err.validation ?? []) {
    const branch = v.schemaPath ? /^(.*\/anyOf)(\/\d+\/required)?$/.exec(v.schemaPath) : null;
    if (branch && alternatives.has(`${v.instancePath}|${branch[1]}`)) continue;
    let field = v.instancePath || '/';
    let rule = v.message ?? v.keyword;
    if (v.keyword === 'required' && typeof v.params.missingProperty === 'string') {
      field = `${v.instancePath}/${v.params.missingProperty}`;
      rule = 'is required';
    } else if (v.keyword === 'additionalProperties' && typeof v.params.additionalProperty === 'string') {
      field = `${v.instancePath}/${v.params.additionalProperty}`;
      rule = 'is not an allowed field';
    } else if (v.keyword === 'enum' && Array.isArray(v.params.allowedValues)) {
      rule = `must be one of ${v.params.allowedValues.join(', ')}`;
    }
    const key = `${field} ${rule}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ field, rule, in: part });
    }
  }
  return out;
}

const HTTP_PARSE_ERRORS: Record<string, { status: number; slug: string; title: string; detail: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, slug: 'body-too-large', title: 'Request body too large', detail: 'The request body exceeds the configured limit.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415, slug: 'unsupported-media-type', title: 'Unsupported media type', detail: 'Send the request body as application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, slug: 'bad-content-length', title: 'Bad Content-Length', detail: 'Content-Length does not match the body.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400, slug: 'empty-body', title: 'Empty JSON body', detail: 'Content-Type is application/json but the body is empty.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, slug: 'bad-json', title: 'Malformed JSON', detail: 'The request body is not valid JSON.' },
};

/** Any error → a problem document; `instance` is the request path. */
export function toProblem(err: unknown, instance: string): Problem {
  const problem = (status: number, slug: string, title: string, detail: string, errors?: FieldError[]): Problem => ({
    type: `${TYPE_BASE}${slug}`, title, status, detail, instance, ...(errors ? { errors } : {}),
  });
  const known = err instanceof ProblemError ? err : temporalProblem(err);
  if (known) return problem(known.status, known.slug, known.title, known.detail, known.errors);
  const e = err as FastifyLikeError;
  if (e?.validation) {
    const errors = fieldErrors(e);
    return problem(400, 'validation', 'Invalid request', errors.map((x) => `${x.field} ${x.rule}`).join('; '), errors);
  }
  const parse = e?.code ? HTTP_PARSE_ERRORS[e.code] : undefined;
  if (parse) return problem(parse.status, parse.slug, parse.title, parse.detail);
  if (e instanceof SyntaxError || (e?.statusCode === 400 && e.code?.startsWith('FST_ERR_CTP'))) {
    return problem(400, 'bad-json', 'Malformed JSON', 'The request body is not valid JSON.');
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return problem(e.statusCode, 'client-error', 'Bad request', e.message);
  }
  return problem(500, 'internal', 'Internal error', 'The server failed to handle the request; details are in its log.');
}
