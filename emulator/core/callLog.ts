/**
 * A bounded record of the AWS calls the emulator served, for tests and the dashboard
 * (the admin API's `GET /_emulator/calls`). Parameters are summarised so a PutRecords
 * of 500 records costs a few bytes, not megabytes.
 */

export interface CallEntry {
  /** Epoch ms when the call arrived. */
  time: number;
  service: string;
  operation: string;
  params: unknown;
  outcome: 'ok' | 'error';
  /** AWS error code when `outcome` is `error`. */
  error?: string;
  /**
   * The operation ran and changed the resource, then the error was answered (an injected
   * "500 after applying"): the caller saw a failure, the resource has the change. Only on errors.
   */
  appliedThenFailed?: true;
  durationMs: number;
  /** The IAM role whose temporary credentials (STS AssumeRole) signed the call; absent: the caller's own credentials. */
  role?: string;
}

const MAX_STRING = 128;
const MAX_ITEMS = 5;
/** Deep enough for UpdateApplication's parallelism (ApplicationConfigurationUpdate → Flink… → Parallelism… → value). */
const MAX_OBJECT_DEPTH = 4;

/** Long strings truncated, long lists reduced to their length, nesting bounded. */
export function summarizeParams(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (Array.isArray(value)) {
    if (value.length > MAX_ITEMS || depth >= 3) return `<${value.length} items>`;
    return value.map((v) => summarizeParams(v, depth + 1));
  }
  if (value !== null && typeof value === 'object') {
    if (depth >= MAX_OBJECT_DEPTH) return '<object>';
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, summarizeParams(v, depth + 1)]));
  }
  return value;
}

export class CallLog {
  private entries: CallEntry[] = [];

  constructor(private readonly limit: number) {}

  add(entry: CallEntry): void {
    this.entries.push(entry);
    // Drop in batches so a full log costs an amortised O(1) per call.
    if (this.entries.length > this.limit * 1.25) this.entries = this.entries.slice(-this.limit);
  }

  list(filter: { operation?: string; service?: string; since?: number } = {}): CallEntry[] {
    return this.entries
      .slice(-this.limit)
      .filter(
        (e) =>
          (filter.operation === undefined || e.operation === filter.operation) &&
          (filter.service === undefined || e.service === filter.service) &&
          (filter.since === undefined || e.time >= filter.since),
      );
  }

  clear(): void {
    this.entries = [];
  }
}
