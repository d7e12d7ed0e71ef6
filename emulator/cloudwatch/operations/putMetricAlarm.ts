import type { Operation } from '../../core/types.js';
import { invalidParameterCombination, invalidParameterValue } from '../errors.js';
import type { CloudWatchState } from '../state.js';
import { METRIC_NAME_RULE, NAMESPACE_RULE } from '../wire.js';

interface PutMetricAlarmInput {
  AlarmName: string;
  EvaluationPeriods: number;
  ComparisonOperator: string;
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Metrics?: unknown[];
  Period?: number;
  Tags?: unknown[];
  [member: string]: unknown;
}

const COMPARISON_OPERATORS = [
  'GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold',
  'LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold',
];

/** Alarms are stored and described, not evaluated: they stay INSUFFICIENT_DATA. */
export function putMetricAlarm(state: CloudWatchState): Operation<PutMetricAlarmInput, Record<string, never>> {
  return {
    validation: {
      AlarmName: { type: 'string', required: true, minLength: 1, maxLength: 255 },
      EvaluationPeriods: { type: 'integer', required: true, min: 1 },
      ComparisonOperator: { type: 'string', required: true, enum: COMPARISON_OPERATORS },
      MetricName: METRIC_NAME_RULE,
      Namespace: NAMESPACE_RULE,
      Statistic: { type: 'string', enum: ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] },
      Period: { type: 'integer', min: 1 },
      Threshold: { type: 'number' },
      Metrics: { type: 'array' },
    },
    handle(input, ctx) {
      const single = input.MetricName !== undefined;
      if (single && input.Metrics !== undefined) {
        throw invalidParameterCombination('The parameters MetricName and Metrics are mutually exclusive and you have specified both.');
      }
      if (single && (input.Statistic === undefined) === (input.ExtendedStatistic === undefined)) {
        throw invalidParameterCombination('Exactly one element of the Statistic and ExtendedStatistic parameters must be specified.');
      }
      if (single && input.Period === undefined) throw invalidParameterValue('Period must be specified for single-metric alarms.');
      if (!single && input.Metrics === undefined) {
        throw invalidParameterCombination('Either MetricName or Metrics must be specified.');
      }
      const { Tags: _tags, ...definition } = input;
      const previous = state.alarms.get(input.AlarmName);
      state.alarms.set(input.AlarmName, {
        definition,
        arn: `arn:aws:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${input.AlarmName}`,
        updatedMs: ctx.nowMs,
        stateUpdatedMs: previous?.stateUpdatedMs ?? ctx.nowMs,
      });
      return {};
    },
  };
}
