/**
 * Turns one AWS JSON-protocol request into one response: picks the service and
 * operation from `X-Amz-Target`, parses the body, applies injected faults, validates
 * against the operation's table, runs the handler and logs the call. Knows nothing of
 * HTTP versions; the transport hands it bytes and headers.
 */
import type { CallLog } from './callLog.js';
import { summarizeParams } from './callLog.js';
import { AwsError, frameError, serializationError, unknownOperationError } from './errors.js';
import type { WireResponse } from './errors.js';
import type { ApiRateLimiter } from './apiRates.js';
import type { FaultInjector } from './faults.js';
import { assertValid } from './validation.js';
import type { Clock, Operation, RequestContext, ServiceModule } from './types.js';

export interface AwsRequest {
  target: string | undefined;
  authorization: string | undefined;
  body: Buffer;
}

export interface DispatcherDeps {
  modules: readonly ServiceModule[];
  callLog: CallLog;
  faults: FaultInjector;
  clock: Clock;
  accountId: string;
  defaultRegion: string;
  /** Per-API rates (the `aws` profile); absent: no control-plane throttling. */
  rates?: ApiRateLimiter;
  /** The assumed role whose credentials signed a request (emulator/sts), for the call log. */
  roleOf?: (authorization: string | undefined) => string | null;
}

const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\//;

/** The region of the SigV4 credential scope; signatures themselves are not verified. */
export function regionFromAuthorization(authorization: string | undefined, fallback: string): string {
  const match = authorization === undefined ? null : CREDENTIAL_SCOPE.exec(authorization);
  return match?.[1] ?? fallback;
}

function parseBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw serializationError('Start of structure or map found where not expected.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw serializationError('Start of structure or map found where not expected.');
  }
  return parsed as Record<string, unknown>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class Dispatcher {
  private readonly byPrefix: Map<string, ServiceModule>;

  constructor(private readonly deps: DispatcherDeps) {
    this.byPrefix = new Map(deps.modules.map((m) => [m.targetPrefix, m]));
  }

  async dispatch(request: AwsRequest): Promise<WireResponse> {
    const started = this.deps.clock.nowMs();
    const target = request.target ?? '';
    const dot = target.lastIndexOf('.');
    const service = this.byPrefix.get(target.slice(0, dot));
    const operationName = target.slice(dot + 1);
    const operation = service?.operations[operationName] as Operation<Record<string, unknown>, unknown> | undefined;
    if (service === undefined || operation === undefined || dot < 0) return frameError(unknownOperationError(), service);

    let params: unknown = null;
    const ran = { appliedThenFailed: false };
    try {
      const input = parseBody(request.body);
      params = input;
      const result = await this.run(service, operationName, operation, ran, input, {
        nowMs: started,
        region: regionFromAuthorization(request.authorization, this.deps.defaultRegion),
        accountId: this.deps.accountId,
        operation: operationName,
      });
      this.log(service, operationName, params, started, null, request.authorization, false);
      return { status: 200, headers: { 'content-type': service.contentType }, body: JSON.stringify(result ?? {}) };
    } catch (err) {
      this.log(service, operationName, params, started, err, request.authorization, ran.appliedThenFailed);
      return frameError(err, service);
    }
  }

  private async run(
    service: ServiceModule,
    name: string,
    operation: Operation<Record<string, unknown>, unknown>,
    ran: { appliedThenFailed: boolean },
    input: Record<string, unknown>,
    ctx: RequestContext,
  ): Promise<unknown> {
    const fault = this.deps.faults.evaluate(service.targetPrefix, name, input);
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.error && !fault.errorAfterApplying) throw fault.error;
    this.deps.rates?.admit(service.targetPrefix, name, { region: ctx.region, accountId: ctx.accountId, input }, ctx.nowMs);
    if (operation.validation) assertValid(input, operation.validation);
    const result = await operation.handle(input, fault.delayMs > 0 ? { ...ctx, nowMs: this.deps.clock.nowMs() } : ctx);
    if (fault.error) {
      // The change took effect; the caller only sees the error. The log says so, as AWS's own records would.
      ran.appliedThenFailed = true;
      throw fault.error;
    }
    return result;
  }

  private log(
    service: ServiceModule, operation: string, params: unknown, started: number, err: unknown, authorization: string | undefined,
    appliedThenFailed: boolean,
  ): void {
    const role = this.deps.roleOf?.(authorization) ?? null;
    this.deps.callLog.add({
      time: started,
      service: service.targetPrefix,
      operation,
      params: summarizeParams(params),
      outcome: err === null ? 'ok' : 'error',
      ...(err === null ? {} : { error: err instanceof AwsError ? err.code : 'InternalFailure' }),
      ...(appliedThenFailed ? { appliedThenFailed: true } : {}),
      durationMs: this.deps.clock.nowMs() - started,
      ...(role === null ? {} : { role }),
    });
  }
}
