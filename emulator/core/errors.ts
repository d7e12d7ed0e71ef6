/**
 * The one place that frames AWS errors on the wire. Services throw `AwsError`; the
 * dispatcher turns whatever was thrown into AWS's JSON error shape, so every error the
 * SDK sees has the same form and surfaces as its typed exception class.
 */
import type { ServiceModule } from './types.js';

export class AwsError extends Error {
  constructor(
    /** AWS's error code, e.g. `ResourceNotFoundException`; becomes `__type`. */
    readonly code: string,
    message: string,
    readonly status: number = 400,
    /** Query-protocol code for query-compatible services (CloudWatch), e.g. `InvalidParameterValue`. */
    readonly queryCode?: string,
  ) {
    super(message);
    this.name = code;
  }
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

type ErrorFraming = Pick<ServiceModule, 'contentType' | 'errorMessageKey' | 'queryCompatible'>;

/** Used before a service is known (unknown target, admin API). */
const DEFAULT_FRAMING: ErrorFraming = { contentType: 'application/x-amz-json-1.1', errorMessageKey: 'message' };

export function frameError(err: unknown, service: ErrorFraming = DEFAULT_FRAMING): WireResponse {
  // A 5xx never leaks internals: the cause goes to the call log, not to the client.
  const aws = err instanceof AwsError ? err : new AwsError('InternalFailure', 'An internal error occurred.', 500);
  const headers: Record<string, string> = {
    'content-type': service.contentType,
    'x-amzn-errortype': aws.code,
  };
  if (service.queryCompatible) {
    headers['x-amzn-query-error'] = `${aws.queryCode ?? aws.code};${aws.status >= 500 ? 'Receiver' : 'Sender'}`;
  }
  return { status: aws.status, headers, body: JSON.stringify({ __type: aws.code, [service.errorMessageKey]: aws.message }) };
}

export function serializationError(message: string): AwsError {
  return new AwsError('SerializationException', message);
}

export function unknownOperationError(): AwsError {
  return new AwsError('UnknownOperationException', '');
}
