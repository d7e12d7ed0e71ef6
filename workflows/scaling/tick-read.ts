/**
 * A tick's read: the metrics periods CloudWatch may have completed since the last sample, and
 * the capacity — described now, or the recent snapshot reused. The read depends on the run's
 * patch markers: PATCHES.tickReadsWhenDue reads only when something may be new; runs recorded
 * with tickLocalActivity read in a local activity, and older runs with a regular activity every
 * tick, so each replays.
 */
import { patched } from '@temporalio/workflow';
import type { CapacitySnapshot, ScalingResources } from '../../activities/scaling/types.js';
import { periodsToRead } from '../../scaling/periods.js';
import type { MetricsSample } from '../../scaling/types.js';
import type { PipelineContext } from '../lifecycle/context.js';
import { PATCHES } from '../lifecycle/patches.js';
import type { ScalingCalls } from './activities.js';
import { WINDOW_LIMIT, type ScalingState } from './state.js';

/**
 * How old the last Describe* snapshot may be before a tick describes again (PATCHES.tickReadsWhenDue, and
 * tickLocalActivity before it).
 * Describing every tick would take 200 pipelines at 10 s ticks to 20 DescribeStreamSummary and 20
 * DescribeApplication calls a second — both APIs' whole account rate. An action always describes
 * before it changes anything, so a policy deciding on a snapshot this old cannot apply a stale step.
 */
export const CAPACITY_REFRESH_SECONDS = 60;

export interface TickRead {
  samples: MetricsSample[];
  capacity: CapacitySnapshot;
  /** False when `capacity` is the recent snapshot reused, not a fresh Describe*. */
  described: boolean;
}

export class TickReader {
  /** The last read ran under PATCHES.tickReadsWhenDue (or tickLocalActivity): the loop's wait then aims at the pipeline's tick slot. */
  localTicks = false;
  /** The newest Describe* result of this run and when it was read (epoch seconds); ticks reuse it while recent. */
  private described: { snapshot: CapacitySnapshot; atSeconds: number } | null = null;

  constructor(
    private readonly ctx: PipelineContext,
    private readonly calls: ScalingCalls,
    private readonly resources: ScalingResources,
    private readonly nowSeconds: () => number,
  ) {}

  /** Every fresh Describe* result (a tick's or an action's): later ticks may reuse it. */
  remember(snapshot: CapacitySnapshot): void {
    this.described = { snapshot, atSeconds: this.nowSeconds() };
  }

  /** The next tick describes again (after an action: what it saw last may still be settling). */
  forget(): void {
    this.described = null;
  }

  /** The tick's read: metrics, and the capacity (described now, or the recent snapshot reused: `described` false). */
  async read(state: ScalingState): Promise<TickRead> {
    const input = {
      ...this.resources, periodSeconds: state.settings.periodSeconds, afterTimestamp: state.lastSampleTimestamp, maxPeriods: WINDOW_LIMIT,
    };
    if (patched(PATCHES.tickReadsWhenDue)) {
      this.localTicks = true;
      const reuse = this.reusableSnapshot();
      const range = periodsToRead(Date.parse(this.ctx.nowIso()), input.periodSeconds, input.afterTimestamp, input.maxPeriods);
      // Nothing CloudWatch could add yet and a recent snapshot: the policy decides on no new period, as it
      // would on an empty read, without a call (with 60 s periods and 10 s ticks, five ticks in six).
      if (range.end <= range.start && reuse !== null) return { samples: [], capacity: reuse, described: false };
      const result = await this.calls.readMetrics({ ...input, describeCapacity: reuse === null });
      const capacity = result.capacity ?? reuse;
      if (capacity === null) throw new Error('readMetrics answered without the capacity it was asked for');
      return { samples: result.samples, capacity, described: result.capacity !== undefined };
    }
    // Runs that ticked with a local activity (between the two patches) keep doing so, so they replay.
    this.localTicks = patched(PATCHES.tickLocalActivity);
    if (!this.localTicks) {
      const result = await this.calls.readMetrics(input);
      if (result.capacity === undefined) throw new Error('readMetrics answered without the capacity it was asked for');
      return { samples: result.samples, capacity: result.capacity, described: true };
    }
    const reuse = this.reusableSnapshot();
    const result = await this.calls.readMetricsLocally({ ...input, describeCapacity: reuse === null });
    const capacity = result.capacity ?? reuse;
    if (capacity === null) throw new Error('readMetrics answered without the capacity it was asked for');
    return { samples: result.samples, capacity, described: result.capacity !== undefined };
  }

  /** The last snapshot when it is recent and showed both resources settled; null: describe now. */
  private reusableSnapshot(): CapacitySnapshot | null {
    const last = this.described;
    if (last === null || this.nowSeconds() - last.atSeconds >= CAPACITY_REFRESH_SECONDS) return null;
    const settled = last.snapshot.streamStatus === 'ACTIVE' && last.snapshot.applicationStatus === 'RUNNING';
    return settled ? last.snapshot : null;
  }
}
