/**
 * PutRecords limits: at most 500 records and 5 MiB per call, partition keys included;
 * one record's data + key at most 1 MiB.
 */

export const MAX_RECORDS_PER_CALL = 500;
export const MAX_BYTES_PER_CALL = 5 * 1024 * 1024;
export const MAX_BYTES_PER_RECORD = 1024 * 1024;

export interface OutgoingRecord {
  partitionKey: string;
  data: Uint8Array;
}

export function recordBytes(record: OutgoingRecord): number {
  return record.data.byteLength + Buffer.byteLength(record.partitionKey);
}

/** Accumulates records for one call; `fits` says whether one more would break a limit. */
export class RecordBatch {
  readonly records: OutgoingRecord[] = [];
  bytes = 0;
  /** Wall time the oldest record became due (for the latency bound). */
  firstDueMs = 0;

  /** A KPL-aggregating sink packs many records into one Kinesis record, so its batches may hold more. */
  constructor(private readonly limits: { maxRecords: number; maxBytes: number } = { maxRecords: MAX_RECORDS_PER_CALL, maxBytes: MAX_BYTES_PER_CALL }) {}

  get size(): number {
    return this.records.length;
  }

  fits(record: OutgoingRecord): boolean {
    return this.records.length < this.limits.maxRecords && this.bytes + recordBytes(record) <= this.limits.maxBytes;
  }

  get full(): boolean {
    return this.records.length >= this.limits.maxRecords;
  }

  add(record: OutgoingRecord, dueMs: number): void {
    if (this.records.length === 0) this.firstDueMs = dueMs;
    this.records.push(record);
    this.bytes += recordBytes(record);
  }
}
