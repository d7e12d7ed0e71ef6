import { checkTable } from '../../core/validation.js';
import type { Operation } from '../../core/types.js';
import { invalidParameterCombination, invalidParameterValue, validationFailed } from '../errors.js';
import type { CloudWatchState } from '../state.js';
import { BASIC_STATISTICS, computeStatistic, isValidPeriod, parseStatistic, type Statistic } from '../statistics.js';
import { readWindow } from '../resolution.js';
import { aggregate } from '../store.js';
import { DIMENSION_TABLE, METRIC_NAME_RULE, NAMESPACE_RULE, dimensionsToRecord, type WireDimension } from '../wire.js';

interface GetMetricStatisticsInput {
  Namespace: string;
  MetricName: string;
  Dimensions?: WireDimension[];
  StartTime: number;
  EndTime: number;
  Period: number;
  Statistics?: string[];
  ExtendedStatistics?: string[];
  Unit?: string;
}

type WireDatapoint = Record<string, unknown> & { Timestamp: number };

const MAX_DATAPOINTS = 1440;

export function getMetricStatistics(state: CloudWatchState): Operation<GetMetricStatisticsInput, { Label: string; Datapoints: WireDatapoint[] }> {
  return {
    validation: {
      Namespace: { ...NAMESPACE_RULE, required: true },
      MetricName: { ...METRIC_NAME_RULE, required: true },
      Dimensions: { type: 'array', maxItems: 30 },
      StartTime: { type: 'timestamp', required: true },
      EndTime: { type: 'timestamp', required: true },
      Period: { type: 'integer', required: true, min: 1 },
      Statistics: { type: 'array', minItems: 1, maxItems: 5 },
      ExtendedStatistics: { type: 'array', minItems: 1, maxItems: 10 },
      Unit: { type: 'string' },
    },
    handle(input) {
      const problems = (input.Dimensions ?? []).flatMap((d, i) =>
        checkTable(d as unknown as Record<string, unknown>, DIMENSION_TABLE, `dimensions.${i + 1}.member.`),
      );
      (input.Statistics ?? []).forEach((s, i) => {
        if (!(BASIC_STATISTICS as readonly string[]).includes(s)) {
          problems.push(`Value '${s}' at 'statistics.${i + 1}.member' failed to satisfy constraint: Member must satisfy enum value set: [${BASIC_STATISTICS.join(', ')}]`);
        }
      });
      if (problems.length > 0) throw validationFailed(problems);
      const hasBasic = input.Statistics !== undefined;
      const hasExtended = input.ExtendedStatistics !== undefined;
      if (hasBasic === hasExtended) {
        throw invalidParameterCombination(
          hasBasic
            ? 'The parameters Statistics and ExtendedStatistics are mutually exclusive and you have specified both.'
            : 'Must specify either Statistics or ExtendedStatistics, but not both.',
        );
      }
      const extended: Statistic[] = (input.ExtendedStatistics ?? []).map((s) => {
        const parsed = parseStatistic(s);
        if (!parsed || parsed.kind !== 'percentile') throw invalidParameterValue(`The value ${s} for parameter ExtendedStatistics is not a valid percentile.`);
        return parsed;
      });
      if (input.StartTime >= input.EndTime) {
        throw invalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
      }
      if (!isValidPeriod(input.Period)) throw invalidParameterValue('The parameter Period must be 1, 5, 10, 30 or a multiple of 60.');
      const requested = Math.ceil((input.EndTime - input.StartTime) / input.Period);
      if (requested > MAX_DATAPOINTS) {
        throw invalidParameterCombination(
          `You have requested up to ${requested.toLocaleString('en-US')} datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
        );
      }
      const series = state.store.get({ namespace: input.Namespace, metricName: input.MetricName, dimensions: dimensionsToRecord(input.Dimensions) });
      if (input.Unit !== undefined && series?.unit !== undefined && series.unit !== input.Unit) {
        return { Label: input.MetricName, Datapoints: [] };
      }
      const window = readWindow(input.Namespace, input.Period, Math.ceil(input.EndTime), state.clock.nowMs(), state.resolution);
      const start = Math.floor(input.StartTime / window.period) * window.period;
      const aggregates = series ? aggregate(series, start, window.endSec, window.period) : [];
      const datapoints = aggregates.map((agg) => {
        const dp: WireDatapoint = { Timestamp: agg.start, Unit: series?.unit ?? 'None' };
        for (const name of input.Statistics ?? []) {
          const stat = parseStatistic(name);
          if (stat) dp[name] = computeStatistic(agg, stat);
        }
        if (extended.length > 0) {
          dp.ExtendedStatistics = Object.fromEntries(extended.map((s) => [s.name, computeStatistic(agg, s)]).filter(([, v]) => v !== undefined));
        }
        return dp;
      });
      return { Label: input.MetricName, Datapoints: datapoints };
    },
  };
}
