/**
 * Per-shard throughput on a sliding one-second window, kept as 10 ms buckets with
 * running totals, so checking a limit costs O(1) however many calls arrive.
 */

const BUCKET_MS = 10;
const BUCKETS = 100;

export class SlidingWindow {
  private readonly counts = new Float64Array(BUCKETS);
  private readonly bytes = new Float64Array(BUCKETS);
  private totalCount = 0;
  private totalBytes = 0;
  private latestSlot = -1;

  private advance(nowMs: number): number {
    const slot = Math.floor(nowMs / BUCKET_MS);
    if (slot > this.latestSlot) {
      const from = Math.max(this.latestSlot + 1, slot - BUCKETS + 1);
      for (let s = from; s <= slot; s++) {
        const i = s % BUCKETS;
        this.totalCount -= this.counts[i] ?? 0;
        this.totalBytes -= this.bytes[i] ?? 0;
        this.counts[i] = 0;
        this.bytes[i] = 0;
      }
      this.latestSlot = slot;
    }
    return slot % BUCKETS;
  }

  /** Totals over the last second. */
  usage(nowMs: number): { count: number; bytes: number } {
    this.advance(nowMs);
    return { count: this.totalCount, bytes: this.totalBytes };
  }

  add(nowMs: number, count: number, bytes: number): void {
    const i = this.advance(nowMs);
    this.counts[i] = (this.counts[i] ?? 0) + count;
    this.bytes[i] = (this.bytes[i] ?? 0) + bytes;
    this.totalCount += count;
    this.totalBytes += bytes;
  }
}
