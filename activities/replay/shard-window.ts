/**
 * One shard's write budget as Kinesis states it: at most 1 MiB and 1,000 records in any
 * one second. The producer paces each shard by it, so it neither ships bytes the shard
 * will refuse nor lets the shard sit idle while it backs off.
 *
 * A token bucket (the KPL's rate limiter) admits a full bucket on top of a second's
 * refill — up to twice the limit in one second — and what the shard then refuses has
 * spent tokens without being stored, so a bucket-paced producer settles below the limit
 * (84 % of 1 MiB/s in the replay bench). A sliding second admits exactly what the limit
 * does.
 *
 * A send counts from the moment it leaves: the shard counted it a little later (when it
 * arrived), so now and then the shard still refuses what this window lets through. What
 * the shard refused is taken back out of the window (it was not stored) and sent again
 * shortly. Counting from the acknowledgment instead would never be refused but leaves the
 * shard idle for a whole round trip per second's worth of data: 83 % of the limit with
 * the 200 ms calls of a loaded machine.
 */

const WINDOW_MS = 1_000;

export interface ShardLimits {
  bytesPerSecond: number;
  recordsPerSecond: number;
}

/** Kinesis's write limits per shard (Quotas and limits: "1 MiB per second … 1,000 records per second"). */
export const KINESIS_SHARD_WRITE_LIMITS: ShardLimits = { bytesPerSecond: 1024 * 1024, recordsPerSecond: 1_000 };

interface Sent {
  atMs: number;
  bytes: number;
  records: number;
}

export class ShardWindow {
  private readonly sent: Sent[] = [];

  constructor(private readonly limits: ShardLimits = KINESIS_SHARD_WRITE_LIMITS) {}

  private used(nowMs: number): { bytes: number; records: number } {
    while (this.sent.length > 0 && this.sent[0]!.atMs + WINDOW_MS <= nowMs) this.sent.shift();
    let bytes = 0;
    let records = 0;
    for (const s of this.sent) {
      bytes += s.bytes;
      records += s.records;
    }
    return { bytes, records };
  }

  /** Bytes and records this shard can still take now. */
  free(nowMs: number): { bytes: number; records: number } {
    const used = this.used(nowMs);
    return { bytes: this.limits.bytesPerSecond - used.bytes, records: this.limits.recordsPerSecond - used.records };
  }

  /**
   * Milliseconds until one record of `bytes` fits (0: now). A record larger than the
   * whole budget is let through once the window is empty, so nothing waits forever.
   */
  waitMs(bytes: number, nowMs: number): number {
    const free = this.free(nowMs);
    if ((bytes <= free.bytes || this.sent.length === 0) && free.records >= 1) return 0;
    let bytesFreed = free.bytes;
    let recordsFreed = free.records;
    for (const s of this.sent) {
      bytesFreed += s.bytes;
      recordsFreed += s.records;
      if (bytesFreed >= bytes && recordsFreed >= 1) return Math.max(1, s.atMs + WINDOW_MS - nowMs);
    }
    return Math.max(1, this.sent[this.sent.length - 1]!.atMs + WINDOW_MS - nowMs);
  }

  /** A send leaves now: it counts from now for a second. Returns the entry to settle with `stored`. */
  send(bytes: number, records: number, nowMs: number): Sent {
    const entry = { atMs: nowMs, bytes, records };
    this.sent.push(entry);
    return entry;
  }

  /** The shard answered: only what it stored keeps counting. */
  stored(entry: Sent, stored: { bytes: number; records: number }): void {
    entry.bytes = stored.bytes;
    entry.records = stored.records;
  }
}
