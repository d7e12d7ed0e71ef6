/**
 * The one place where AWS errors become Temporal failures. Everything an activity
 * throws after an AWS call goes through here, so the workflow's retry policies see
 * exactly four failure types and never a raw SDK exception.
 *
 * - retryable: throttling, 5xx, network trouble — Temporal retries with backoff.
 * - conflict: the resource is in a state that clashes with the request (in use, or
 *   a concurrent change). Usually transient, so retryable unless the caller says
 *   otherwise (e.g. a name taken by someone else's resource, see `ownershipConflict`).
 * - not-found: the resource does not exist; callers that are idempotent about absence
 *   catch it before it gets here.
 * - non-retryable: the request itself is wrong (validation, permissions, limits of
 *   the request) — retrying cannot help.
 */
import { ApplicationFailure } from '@temporalio/common';

export const AWS_FAILURE_TYPES = {
  retryable: 'AwsRetryable',
  conflict: 'AwsConflict',
  notFound: 'AwsResourceNotFound',
  nonRetryable: 'AwsNonRetryable',
  /** A per-resource quota that retrying within minutes cannot lift (UpdateShardCount's 10 calls per 24 h). */
  quotaExhausted: 'AwsQuotaExhausted',
} as const;

export type AwsErrorKind = 'retryable' | 'conflict' | 'not-found' | 'non-retryable';

const RETRYABLE = new Set([
  'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded',
  'LimitExceededException', 'ProvisionedThroughputExceededException', 'KMSThrottlingException',
  'ServiceUnavailable', 'ServiceUnavailableException', 'InternalFailure', 'InternalFailureException',
  'InternalServerError', 'InternalServiceError', 'InternalServiceException', 'UnableToExecuteException',
  'RequestTimeout', 'RequestTimeoutException', 'TimeoutError',
]);

const CONFLICT = new Set(['ResourceInUseException', 'ConcurrentModificationException']);

const NOT_FOUND = new Set(['ResourceNotFoundException', 'ResourceNotFound']);

const NON_RETRYABLE = new Set([
  'ValidationException', 'InvalidArgumentException', 'InvalidRequestException',
  'InvalidApplicationConfigurationException', 'CodeValidationException', 'UnsupportedOperationException',
  'AccessDeniedException', 'AccessDenied', 'UnrecognizedClientException', 'InvalidSignatureException',
  'IncompleteSignature', 'MissingAuthenticationToken', 'SerializationException', 'UnknownOperationException',
  'KMSDisabledException', 'KMSInvalidStateException', 'KMSAccessDeniedException', 'KMSNotFoundException',
  'KMSOptInRequired', 'TooManyTagsException', 'InvalidParameterValue', 'InvalidParameterCombination',
  'MissingParameter', 'InvalidParameterValueException',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH']);

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
}

function shape(err: unknown): SdkErrorShape {
  return typeof err === 'object' && err !== null ? (err as SdkErrorShape) : {};
}

export function awsErrorName(err: unknown): string {
  const name = shape(err).name;
  return typeof name === 'string' ? name : 'UnknownError';
}

export function isAwsError(err: unknown, ...names: string[]): boolean {
  return names.includes(awsErrorName(err));
}

export function isNotFound(err: unknown): boolean {
  return NOT_FOUND.has(awsErrorName(err));
}

export function classifyAwsError(err: unknown): AwsErrorKind {
  const name = awsErrorName(err);
  if (NOT_FOUND.has(name)) return 'not-found';
  if (CONFLICT.has(name)) return 'conflict';
  if (RETRYABLE.has(name)) return 'retryable';
  if (NON_RETRYABLE.has(name)) return 'non-retryable';
  const e = shape(err);
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return 'retryable';
  if (e.$retryable !== undefined || e.$fault === 'server') return 'retryable';
  // An unknown 4xx from AWS is a request problem; anything else (no HTTP answer at all) may pass.
  if (e.$fault === 'client') return 'non-retryable';
  return 'retryable';
}

function messageOf(err: unknown): string {
  const m = shape(err).message;
  return typeof m === 'string' && m !== '' ? m : String(err);
}

/**
 * Wraps an AWS error as the ApplicationFailure the workflow sees. `doing` reads as a
 * sentence fragment ("creating stream taxi-trips"), so the failure message tells the story.
 */
export function toFailure(err: unknown, doing: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const kind = classifyAwsError(err);
  const name = awsErrorName(err);
  const message = `${doing} failed: ${name}: ${messageOf(err)}`;
  const details = [{ awsError: name, requestId: shape(err).$metadata?.requestId ?? null }];
  switch (kind) {
    case 'retryable':
      return ApplicationFailure.retryable(message, AWS_FAILURE_TYPES.retryable, ...details);
    case 'conflict':
      return ApplicationFailure.retryable(message, AWS_FAILURE_TYPES.conflict, ...details);
    case 'not-found':
      return ApplicationFailure.nonRetryable(message, AWS_FAILURE_TYPES.notFound, ...details);
    case 'non-retryable':
      return ApplicationFailure.nonRetryable(message, AWS_FAILURE_TYPES.nonRetryable, ...details);
  }
}

/**
 * UpdateShardCount answers LimitExceededException for its per-stream rules — 10 calls per
 * rolling 24 h, at most 2× up or ½ down per call, the account's shard limit — which no
 * retry lifts, and for too many concurrent stream operations or a request rate, which pass. Everywhere
 * else the name means a request rate (retryable, see RETRYABLE). Sending it back as a
 * non-retryable failure costs at most one action (the loop asks again at a later tick);
 * retrying it would hold the action for minutes and spend calls on a closed quota.
 */
export function toShardCountFailure(err: unknown, doing: string): ApplicationFailure {
  const name = awsErrorName(err);
  if (!isShardCountLimit(err)) return toFailure(err, doing);
  return ApplicationFailure.nonRetryable(
    `${doing} failed: ${name}: ${messageOf(err)} (a per-stream UpdateShardCount limit; retrying does not lift it)`,
    AWS_FAILURE_TYPES.quotaExhausted,
    { awsError: name, requestId: shape(err).$metadata?.requestId ?? null },
  );
}

/**
 * Kinesis words a request-rate throttle "Rate exceeded for stream … under account …": that one passes.
 * The daily quota can start with the same words and then names its 24-hour period: that one is final.
 */
function isShardCountLimit(err: unknown): boolean {
  if (awsErrorName(err) !== 'LimitExceededException') return false;
  const message = messageOf(err);
  if (/24-hour|24 hours/i.test(message)) return true;
  return !/concurrent|rate exceeded/i.test(message);
}

/**
 * UpdateShardCount refused for its rolling 24-hour quota ("Scale more than ten times per rolling
 * 24-hour period per stream"), as opposed to a request rate, the 2×/½ rule or the account's shard
 * limit: the one refusal SplitShard and MergeShards can work around (they have no daily quota).
 * Recognised on AWS's raw error and on the failure toShardCountFailure made of it.
 */
export function isDailyShardCountQuota(err: unknown): boolean {
  const mapped = err instanceof ApplicationFailure && err.type === AWS_FAILURE_TYPES.quotaExhausted;
  if (!mapped && awsErrorName(err) !== 'LimitExceededException') return false;
  return /24-hour|24 hours/i.test(messageOf(err));
}

interface MiddlewareStackLike {
  addRelativeTo(middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
    options: { relation: 'after'; toMiddleware: string; name: string }): void;
}

/** Answers AWS gives before doing anything: the request was turned away for its rate, nothing ran. */
const REFUSED_FOR_RATE = new Set([
  'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded',
  'LimitExceededException', 'ProvisionedThroughputExceededException',
]);

/**
 * A capacity change (UpdateShardCount, UpdateApplication, RollbackApplication) must not be
 * re-sent blindly: a 500 or a lost connection may come after the change took effect, and
 * the SDK's own retry would send it again (into a stream now UPDATING, or an application
 * version that moved on). Such errors leave the SDK at once as our failure; the activity's
 * retry then looks at the resource before calling again (activities/scaling/apply.ts).
 * Throttling answers, given before anything ran, are still retried by the SDK — except
 * UpdateShardCount's per-stream limits, which the SDK takes for throttling but no resend
 * lifts (they would only spend calls on a closed quota). `mapError`
 * is the command's mapping (toFailure, or toShardCountFailure for UpdateShardCount).
 */
export function withoutSdkResend<C extends { middlewareStack: unknown }>(
  command: C, doing: string, mapError: (err: unknown, doing: string) => ApplicationFailure = toFailure,
): C {
  (command.middlewareStack as MiddlewareStackLike).addRelativeTo(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        if (REFUSED_FOR_RATE.has(awsErrorName(err)) && !isShardCountLimit(err)) throw err;
        throw mapError(err, doing);
      }
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'shardpilotNoResend' },
  );
  return command;
}

/** A resource name is taken by something this pipeline does not own: only a person can resolve it. */
export function ownershipConflict(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, AWS_FAILURE_TYPES.conflict);
}

/** Runs one AWS call and maps whatever it throws; `doing` names the call for the failure message. */
export async function callAws<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toFailure(err, doing);
  }
}
