/**
 * Generic fault injection for any operation of any service: fail the next N calls with
 * a given error, add latency, or throttle a share of calls. Service-specific faults
 * (e.g. an application stuck UPDATING) belong to their module's admin routes.
 */
import { AwsError } from './errors.js';

export type FaultSpec =
  | {
      kind: 'fail';
      operation: string;
      /** Restricts the fault to one service's target prefix, e.g. `Kinesis_20131202`. */
      service?: string;
      count: number;
      errorName: string;
      message?: string;
      status?: number;
    }
  | { kind: 'latency'; operation: string; service?: string; latencyMs: number }
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
}

const THROTTLE_MESSAGES: Record<string, string> = {
  ProvisionedThroughputExceededException: 'Rate exceeded (injected fault).',
  LimitExceededException: 'Rate exceeded (injected fault).',
  ThrottlingException: 'Rate exceeded',
};

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

  /** Consumes one `fail` count when it applies; the first matching failure wins. */
  evaluate(service: string, operation: string): FaultOutcome {
    let delayMs = 0;
    let error: AwsError | null = null;
    for (const fault of this.faults) {
      if (fault.operation !== operation || (fault.service !== undefined && fault.service !== service)) continue;
      if (fault.kind === 'latency') delayMs += fault.latencyMs;
      if (error !== null) continue;
      if (fault.kind === 'fail' && fault.count > 0) {
        fault.count -= 1;
        error = new AwsError(fault.errorName, fault.message ?? 'Injected fault.', fault.status ?? 400);
      } else if (fault.kind === 'throttle' && this.random() < fault.share) {
        const name = fault.errorName ?? 'ProvisionedThroughputExceededException';
        error = new AwsError(name, THROTTLE_MESSAGES[name] ?? 'Rate exceeded', 400);
      }
    }
    this.faults = this.faults.filter((f) => f.kind !== 'fail' || f.count > 0);
    return { delayMs, error };
  }
}

/** Checks an admin request body; returns a reason when it is not a valid fault. */
export function faultSpecProblem(body: unknown): string | null {
  if (body === null || typeof body !== 'object') return 'body must be a JSON object';
  const b = body as Record<string, unknown>;
  if (typeof b.operation !== 'string' || b.operation === '') return 'operation must be a non-empty string';
  if (b.service !== undefined && typeof b.service !== 'string') return 'service must be a string';
  switch (b.kind) {
    case 'fail':
      if (!Number.isInteger(b.count) || (b.count as number) < 1) return 'count must be a positive integer';
      if (typeof b.errorName !== 'string' || b.errorName === '') return 'errorName must be a non-empty string';
      if (b.status !== undefined && (!Number.isInteger(b.status) || (b.status as number) < 400 || (b.status as number) > 599)) {
        return 'status must be an HTTP error status (400-599)';
      }
      return null;
    case 'latency':
      return typeof b.latencyMs === 'number' && b.latencyMs >= 0 ? null : 'latencyMs must be a non-negative number';
    case 'throttle':
      return typeof b.share === 'number' && b.share >= 0 && b.share <= 1 ? null : 'share must be a number from 0 to 1';
    default:
      return "kind must be 'fail', 'latency' or 'throttle'";
  }
}
