import { checkTable } from '../../core/validation.js';
import type { Operation } from '../../core/types.js';
import { invalidParameterCombination, invalidParameterValue, validationError, validationFailed } from '../errors.js';
import { runQueries, type Query } from '../query.js';
import type { CloudWatchState } from '../state.js';
import { isValidPeriod, parseStatistic } from '../statistics.js';
import { DIMENSION_TABLE, METRIC_NAME_RULE, NAMESPACE_RULE, dimensionsToRecord, type WireMetric } from '../wire.js';

interface WireQuery {
  Id: string;
  MetricStat?: { Metric: WireMetric; Period: number; Stat: string; Unit?: string };
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
  Period?: number;
}

interface GetMetricDataInput {
  MetricDataQueries: WireQuery[];
  StartTime: number;
  EndTime: number;
  NextToken?: string;
  ScanBy?: 'TimestampDescending' | 'TimestampAscending';
  MaxDatapoints?: number;
}

interface WireResult {
  Id: string;
  Label: string;
  Timestamps: number[];
  Values: number[];
  StatusCode: 'Complete' | 'PartialData';
  Messages: { Code: string; Value: string }[];
}

const QUERY_TABLE = {
  Id: { type: 'string', required: true, minLength: 1, maxLength: 255 },
  MetricStat: { type: 'object' },
  Expression: { type: 'string', minLength: 1, maxLength: 2048 },
  Label: { type: 'string' },
  ReturnData: { type: 'boolean' },
  Period: { type: 'integer', min: 1 },
} as const;

const METRIC_STAT_TABLE = {
  Metric: { type: 'object', required: true },
  Period: { type: 'integer', required: true, min: 1 },
  Stat: { type: 'string', required: true },
} as const;

const METRIC_TABLE = {
  Namespace: NAMESPACE_RULE,
  MetricName: METRIC_NAME_RULE,
  Dimensions: { type: 'array', maxItems: 30 },
} as const;

const ID_PATTERN = /^[a-z][a-zA-Z0-9_]*$/;
const DEFAULT_MAX_DATAPOINTS = 100_800;

function record(value: unknown): Record<string, unknown> {
  return value as Record<string, unknown>;
}

function toQuery(q: WireQuery, index: number, seen: Set<string>): Query {
  const path = `metricDataQueries.${index}.member`;
  const member = `MetricDataQueries.member.${index}`;
  const problems = checkTable(record(q), QUERY_TABLE, `${path}.`);
  if (q.MetricStat) {
    problems.push(...checkTable(record(q.MetricStat), METRIC_STAT_TABLE, `${path}.metricStat.`));
    if (q.MetricStat.Metric) {
      problems.push(...checkTable(record(q.MetricStat.Metric), METRIC_TABLE, `${path}.metricStat.metric.`));
      (q.MetricStat.Metric.Dimensions ?? []).forEach((d, i) =>
        problems.push(...checkTable(record(d), DIMENSION_TABLE, `${path}.metricStat.metric.dimensions.${i + 1}.member.`)),
      );
    }
  }
  if (problems.length > 0) throw validationFailed(problems);
  if (!ID_PATTERN.test(q.Id)) {
    throw validationError(`Invalid metrics list: The value ${q.Id} for parameter ${member}.Id is not valid. It must start with a lowercase letter and contain only letters, numbers and underscores.`);
  }
  if (seen.has(q.Id)) throw validationError(`The value ${q.Id} for parameter ${member}.Id is duplicated.`);
  seen.add(q.Id);
  if ((q.MetricStat === undefined) === (q.Expression === undefined)) {
    throw validationError(`The parameter ${member} must contain either a MetricStat or an Expression, but not both.`);
  }
  const returnData = q.ReturnData ?? true;
  if (q.Expression !== undefined) {
    if (q.Period !== undefined && !isValidPeriod(q.Period)) {
      throw invalidParameterValue(`The parameter ${member}.Period must be 1, 5, 10, 30 or a multiple of 60.`);
    }
    return { kind: 'expression', id: q.Id, label: q.Label, returnData, expression: q.Expression, period: q.Period };
  }
  const stat = q.MetricStat as NonNullable<WireQuery['MetricStat']>;
  if (stat.Metric.Namespace === undefined || stat.Metric.MetricName === undefined) {
    throw validationError(`The parameter ${member}.MetricStat.Metric must specify a Namespace and a MetricName.`);
  }
  if (!isValidPeriod(stat.Period)) {
    throw invalidParameterValue(`The parameter ${member}.MetricStat.Period must be 1, 5, 10, 30 or a multiple of 60.`);
  }
  const parsedStat = parseStatistic(stat.Stat);
  if (!parsedStat) throw invalidParameterValue(`The value ${stat.Stat} for parameter ${member}.MetricStat.Stat is not valid.`);
  return {
    kind: 'metric',
    id: q.Id,
    label: q.Label,
    returnData,
    key: { namespace: stat.Metric.Namespace, metricName: stat.Metric.MetricName, dimensions: dimensionsToRecord(stat.Metric.Dimensions) },
    period: stat.Period,
    stat: parsedStat,
  };
}

export function getMetricData(state: CloudWatchState): Operation<GetMetricDataInput, { MetricDataResults: WireResult[]; Messages: [] }> {
  return {
    validation: {
      MetricDataQueries: { type: 'array', required: true, maxItems: 500 },
      StartTime: { type: 'timestamp', required: true },
      EndTime: { type: 'timestamp', required: true },
      NextToken: { type: 'string' },
      ScanBy: { type: 'string', enum: ['TimestampDescending', 'TimestampAscending'] },
      MaxDatapoints: { type: 'integer', min: 1 },
    },
    handle(input) {
      if (input.StartTime >= input.EndTime) {
        throw validationError('The parameter StartTime must be less than the parameter EndTime.');
      }
      const seen = new Set<string>();
      const queries = input.MetricDataQueries.map((q, i) => toQuery(q, i + 1, seen));
      if (!queries.some((q) => q.returnData)) {
        throw invalidParameterCombination('At least one of the MetricDataQueries must have ReturnData set to true.');
      }
      const startSec = Math.floor(input.StartTime);
      const endSec = Math.ceil(input.EndTime);
      const results = runQueries(state.store, queries, startSec, endSec, { nowMs: state.clock.nowMs(), policy: state.resolution });
      const descending = (input.ScanBy ?? 'TimestampDescending') === 'TimestampDescending';
      let budget = input.MaxDatapoints ?? DEFAULT_MAX_DATAPOINTS;
      const out: WireResult[] = [];
      queries.forEach((q, i) => {
        if (!q.returnData) return;
        for (const r of results[i] ?? []) {
          const times = [...r.series.points.keys()].filter((t) => t < input.EndTime).sort((a, b) => (descending ? b - a : a - b));
          const kept = times.slice(0, Math.max(0, budget));
          budget -= kept.length;
          out.push({
            Id: r.id,
            Label: r.label,
            Timestamps: kept,
            Values: kept.map((t) => r.series.points.get(t) as number),
            StatusCode: kept.length < times.length ? 'PartialData' : 'Complete',
            Messages: [],
          });
        }
      });
      return { MetricDataResults: out, Messages: [] };
    },
  };
}
