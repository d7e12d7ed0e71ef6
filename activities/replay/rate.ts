/** Events per second over a sliding window of cumulative counts. */
export class RateMeter {
  private readonly samples: Array<{ atMs: number; total: number }> = [];

  constructor(private readonly windowMs: number) {}

  add(atMs: number, total: number): void {
    this.samples.push({ atMs, total });
    while (this.samples.length > 2 && this.samples[1]!.atMs <= atMs - this.windowMs) this.samples.shift();
  }

  perSecond(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.atMs <= first.atMs) return 0;
    return ((last.total - first.total) * 1000) / (last.atMs - first.atMs);
  }
}
