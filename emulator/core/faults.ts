/**
 * Generic fault injection for any operation of any service: fail the next N calls (or a
 * share of calls) with a given error, add latency (to every call or a share), or throttle
 * a share of calls. `operation: "*"` matches every operation (of `service`, when given).
 * A failure with `afterApplying` runs the operation first and then answers the error —
 * AWS's "500 after the change took effect", which only an idempotent client survives.
 * Service-specific faults (e.g. an application stuck UPDATING) belong to their module's
 * admin routes.
 */
import { AwsError } from './errors.js';

export type FaultSpec =
  | {
      kind: 'fail';
      /** An operation name, or `*` for every operation. */
      operation: string;
      /** Restricts the fault to one service's target prefix, e.g. `Kinesis_20131202`. */
      service?: string;
      /** Restricts the fault to calls naming this stream or application (StreamName, StreamARN, ApplicationName). */
      resource?: string;
      /** Fails the next `count` calls; or, without `count`, a `share` (0–1) of calls for as long as the fault stays. */
      count?: number;
      share?: number;
      errorName: string;
      message?: string;
      status?: number;
      /** Run the operation, then answer the error (the change happened; the caller cannot tell). */
      afterApplying?: boolean;
    }
  | {
      kind: 'latency';
      operation: string;
      service?: string;
      latencyMs: number;
      /** Fraction of calls (0–1) delayed; all when absent. */
      share?: number;
    }
  | {
      kind: 'throttle';
      operation: string;
      service?: string;
      /** Fraction of calls (0–1) rejected. */
      share: number;
      errorName?: 'ProvisionedThroughputExceededException' | 'LimitExceededException' | 'ThrottlingException';
    };

export type Fault = FaultSpec & { id: number };

export interface FaultOutcome {
  delayMs: number;
  error: AwsError | null;
  /** The error is answered after the operation ran (see `afterApplying`). */
  errorAfterApplying: boolean;
}

const THROTTLE_MESSAGES: Record<string, string> = {
  ProvisionedThroughputExceededException: 'Rate exceeded (injected fault).',
  LimitExceededException: 'Rate exceeded (injected fault).',
  ThrottlingException: 'Rate exceeded',
};

function names(input: Record<string, unknown>, resource: string): boolean {
  const arn = typeof input.StreamARN === 'string' ? input.StreamARN.slice(input.StreamARN.lastIndexOf('/') + 1) : undefined;
  return input.StreamName === resource || input.ApplicationName === resource || arn === resource;
}

export class FaultInjector {
  private faults: Fault[] = [];
  private nextId = 1;

  constructor(private readonly random: () => number = Math.random) {}

  add(spec: FaultSpec): Fault {
    const fault = { ...spec, id: this.nextId++ } as Fault;
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }

  /** Consumes one `fail` count when it applies; the first matching failure wins, faults aimed at one resource first. */
  evaluate(service: string, operation: string, input: Record<string, unknown> = {}): FaultOutcome {
    let delayMs = 0;
    let error: AwsError | null = null;
    let errorAfterApplying = false;
    const aimed = (f: Fault) => f.kind === 'fail' && f.resource !== undefined;
    for (const fault of [...this.faults.filter(aimed), ...this.faults.filter((f) => !aimed(f))]) {
      if (fault.operation !== '*' && fault.operation !== operation) continue;
      if (fault.service !== undefined && fault.service !== service) continue;
      if (fault.kind === 'fail' && fault.resource !== undefined && !names(input, fault.resource)) continue;
      if (fault.kind === 'latency') {
        if (fault.share === undefined || this.random() < fault.share) delayMs += fault.latencyMs;
        continue;
      }
      if (error !== null) continue;
      if (fault.kind === 'fail') {
        const hit = fault.count !== undefined ? fault.count > 0 : this.random() < (fault.share ?? 0);
        if (!hit) continue;
        if (fault.count !== undefined) fault.count -= 1;
        error = new AwsError(fault.errorName, fault.message ?? 'Injected fault.', fault.status ?? 400);
        errorAfterApplying = fault.afterApplying === true;
      } else if (this.random() < fault.share) {
        const name = fault.errorName ?? 'ProvisionedThroughputExceededException';
        error = new AwsError(name, THROTTLE_MESSAGES[name] ?? 'Rate exceeded', 400);
      }
    }
    this.faults = this.faults.filter((f) => f.kind !== 'fail' || f.count === undefined || f.count > 0);
    return { delayMs, error, errorAfterApplying };
  }
}

/** Checks an admin request body; returns a reason when it is not a valid fault. */
export function faultSpecProblem(body: unknown): string | null {
  if (body === null || typeof body !== 'object') return 'body must be a JSON object';
  const b = body as Record<string, unknown>;
  if (typeof b.operation !== 'string' || b.operation === '') return 'operation must be a non-empty string';
  if (b.service !== undefined && typeof b.service !== 'string') return 'service must be a string';
  const share = (value: unknown) => typeof value === 'number' && value >= 0 && value <= 1;
  switch (b.kind) {
    case 'fail':
      if ((b.count === undefined) === (b.share === undefined)) return 'exactly one of count and share is required';
      if (b.count !== undefined && (!Number.isInteger(b.count) || (b.count as number) < 1)) return 'count must be a positive integer';
      if (b.share !== undefined && !share(b.share)) return 'share must be a number from 0 to 1';
      if (b.afterApplying !== undefined && typeof b.afterApplying !== 'boolean') return 'afterApplying must be a boolean';
      if (b.resource !== undefined && typeof b.resource !== 'string') return 'resource must be a string';
      if (typeof b.errorName !== 'string' || b.errorName === '') return 'errorName must be a non-empty string';
      if (b.status !== undefined && (!Number.isInteger(b.status) || (b.status as number) < 400 || (b.status as number) > 599)) {
        return 'status must be an HTTP error status (400-599)';
      }
      return null;
    case 'latency':
      if (b.share !== undefined && !share(b.share)) return 'share must be a number from 0 to 1';
      return typeof b.latencyMs === 'number' && b.latencyMs >= 0 ? null : 'latencyMs must be a non-negative number';
    case 'throttle':
      return share(b.share) ? null : 'share must be a number from 0 to 1';
    default:
      return "kind must be 'fail', 'latency' or 'throttle'";
  }
}
