/**
 * What of a series is readable now. Metrics in the `AWS/` namespaces are what AWS
 * services publish: on AWS they have standard resolution (one datapoint per minute) and
 * reach CloudWatch a while after the minute closes, so the newest minute is missing and
 * the open minute is never readable as complete. Custom namespaces keep their own
 * (high) resolution and are readable at once.
 */

export interface ResolutionPolicy {
  /** Seconds per stored interval of `AWS/` metrics: 1 (fast profiles) or 60 (AWS). */
  awsNamespaceResolutionSec: number;
  /** Time after an interval closes before its datapoints are readable. */
  publicationDelayMs: number;
}

export const IMMEDIATE: ResolutionPolicy = { awsNamespaceResolutionSec: 1, publicationDelayMs: 0 };

export interface ReadWindow {
  /** The period actually aggregated: never shorter than the stored resolution. */
  period: number;
  /** Exclusive end second of what may be read. */
  endSec: number;
}

export function readWindow(namespace: string, period: number, endSec: number, nowMs: number, policy: ResolutionPolicy): ReadWindow {
  if (!namespace.startsWith('AWS/')) return { period, endSec };
  const resolution = Math.max(1, policy.awsNamespaceResolutionSec);
  if (resolution === 1 && policy.publicationDelayMs <= 0) return { period, endSec };
  // A period shorter than the stored resolution yields one datapoint per stored interval.
  const effective = period < resolution ? resolution : period;
  const publishedUntilSec = Math.floor((nowMs - policy.publicationDelayMs) / 1000 / resolution) * resolution;
  return { period: effective, endSec: Math.min(endSec, publishedUntilSec) };
}
