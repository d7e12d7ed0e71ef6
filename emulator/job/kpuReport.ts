/**
 * The `KPUs` metric as AWS publishes it: with an interval of 0 on every job tick (fast
 * profiles); otherwise once per interval (hourly on AWS), after the interval closes,
 * stamped with its start, carrying the time-weighted average KPU count over it. A
 * control plane reading `KPUs` therefore learns about capacity up to an hour late.
 */
export interface KpuDatum {
  timestampMs: number;
  value: number;
}

export class KpuReport {
  private windowStartMs: number | null = null;
  private weighted = 0;
  private observedMs = 0;

  constructor(private readonly intervalMs: number) {}

  /** Records `kpus` held for the last `elapsedMs`; returns the datum to publish now, if any. */
  observe(nowMs: number, elapsedMs: number, kpus: number): KpuDatum | null {
    if (this.intervalMs <= 0) return { timestampMs: nowMs, value: kpus };
    const window = Math.floor(nowMs / this.intervalMs) * this.intervalMs;
    let closed: KpuDatum | null = null;
    if (this.windowStartMs !== null && window !== this.windowStartMs && this.observedMs > 0) {
      closed = { timestampMs: this.windowStartMs, value: this.weighted / this.observedMs };
      this.weighted = 0;
      this.observedMs = 0;
    }
    this.windowStartMs = window;
    const span = Math.max(1, elapsedMs);
    this.weighted += kpus * span;
    this.observedMs += span;
    return closed;
  }
}
