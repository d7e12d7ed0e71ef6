/** CloudWatch statistics over a period aggregate: the five basic ones and percentiles `pNN(.NN)`. */
import type { PeriodAggregate } from './store.js';

export const BASIC_STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
export type BasicStatistic = (typeof BASIC_STATISTICS)[number];

export type Statistic = { kind: 'basic'; name: BasicStatistic } | { kind: 'percentile'; name: string; p: number };

const PERCENTILE = /^p(\d{1,2}(\.\d{1,10})?|100(\.0+)?)$/;

/** Parses a `Stat` string; returns null when CloudWatch would reject it. */
export function parseStatistic(stat: string): Statistic | null {
  if ((BASIC_STATISTICS as readonly string[]).includes(stat)) return { kind: 'basic', name: stat as BasicStatistic };
  if (PERCENTILE.test(stat)) return { kind: 'percentile', name: stat, p: Number(stat.slice(1)) };
  return null;
}

export function computeStatistic(agg: PeriodAggregate, stat: Statistic): number | undefined {
  if (stat.kind === 'percentile') return percentile(agg.samples, stat.p);
  switch (stat.name) {
    case 'SampleCount':
      return agg.count;
    case 'Sum':
      return agg.sum;
    case 'Average':
      return agg.sum / agg.count;
    case 'Minimum':
      return agg.min;
    case 'Maximum':
      return agg.max;
  }
}

/** Nearest-rank percentile; undefined when only statistic sets (no raw values) were stored. */
export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** Periods GetMetricData/GetMetricStatistics accept for high-resolution data. */
export function isValidPeriod(period: number): boolean {
  return Number.isInteger(period) && period > 0 && ([1, 5, 10, 30].includes(period) || period % 60 === 0);
}
