import { checkTable } from '../../core/validation.js';
import type { Operation } from '../../core/types.js';
import { invalidParameterCombination, invalidParameterValue, validationFailed } from '../errors.js';
import type { CloudWatchState } from '../state.js';
import { DIMENSION_TABLE, METRIC_NAME_RULE, NAMESPACE_RULE, dimensionsToRecord, secondsToMs, type WireDimension } from '../wire.js';

interface WireDatum {
  MetricName: string;
  Dimensions?: WireDimension[];
  Timestamp?: number;
  Value?: number;
  StatisticValues?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number };
  Values?: number[];
  Counts?: number[];
  Unit?: string;
  StorageResolution?: number;
}

interface PutMetricDataInput {
  Namespace: string;
  MetricData?: WireDatum[];
}

const DATUM_TABLE = {
  MetricName: { ...METRIC_NAME_RULE, required: true },
  Dimensions: { type: 'array', maxItems: 30 },
  Timestamp: { type: 'timestamp' },
  Value: { type: 'number' },
  StatisticValues: { type: 'object' },
  Values: { type: 'array', maxItems: 150 },
  Counts: { type: 'array', maxItems: 150 },
  Unit: { type: 'string' },
  StorageResolution: { type: 'integer', min: 1 },
} as const;

const TWO_WEEKS_MS = 14 * 24 * 3600_000;
const TWO_HOURS_MS = 2 * 3600_000;

function checkDatum(d: WireDatum, index: number, nowMs: number): void {
  const path = `metricData.${index}.member`;
  const problems = checkTable(d as unknown as Record<string, unknown>, DATUM_TABLE, `${path}.`);
  (d.Dimensions ?? []).forEach((dim, i) =>
    problems.push(...checkTable(dim as unknown as Record<string, unknown>, DIMENSION_TABLE, `${path}.dimensions.${i + 1}.member.`)),
  );
  if (problems.length > 0) throw validationFailed(problems);
  const member = `MetricData.member.${index}`;
  const ways = [d.Value !== undefined, d.StatisticValues !== undefined, d.Values !== undefined].filter(Boolean).length;
  if (ways > 1) {
    throw invalidParameterCombination(
      `The parameters ${member}.Value, ${member}.StatisticValues and ${member}.Values are mutually exclusive and you have specified more than one.`,
    );
  }
  if (d.Counts !== undefined && d.Values === undefined) {
    throw invalidParameterCombination(`The parameter ${member}.Counts requires ${member}.Values.`);
  }
  if (d.Counts !== undefined && d.Counts.length !== (d.Values ?? []).length) {
    throw invalidParameterValue(`The parameters ${member}.Values and ${member}.Counts must be of the same size.`);
  }
  const s = d.StatisticValues;
  if (s && !(s.SampleCount > 0 && s.Minimum <= s.Maximum)) {
    throw invalidParameterValue(`The parameter ${member}.StatisticValues.SampleCount must be greater than 0 and Minimum must not exceed Maximum.`);
  }
  if (d.Timestamp !== undefined) {
    const ts = secondsToMs(d.Timestamp);
    if (ts < nowMs - TWO_WEEKS_MS) {
      throw invalidParameterValue(`The parameter ${member}.Timestamp must specify a time no more than two weeks in the past.`);
    }
    if (ts > nowMs + TWO_HOURS_MS) {
      throw invalidParameterValue(`The parameter ${member}.Timestamp must specify a time no more than two hours in the future.`);
    }
  }
}

export function putMetricData(state: CloudWatchState): Operation<PutMetricDataInput, Record<string, never>> {
  return {
    validation: {
      Namespace: { ...NAMESPACE_RULE, required: true },
      MetricData: { type: 'array', maxItems: 1000 },
    },
    handle(input, ctx) {
      // AWS reserves its own namespaces for service metrics.
      if (input.Namespace.startsWith('AWS/')) {
        throw invalidParameterValue(`The value ${input.Namespace} for parameter Namespace is invalid.`);
      }
      const data = input.MetricData ?? [];
      data.forEach((d, i) => checkDatum(d, i + 1, ctx.nowMs));
      for (const d of data) {
        const key = { namespace: input.Namespace, metricName: d.MetricName, dimensions: dimensionsToRecord(d.Dimensions) };
        const ts = d.Timestamp === undefined ? ctx.nowMs : secondsToMs(d.Timestamp);
        if (d.StatisticValues) {
          const s = d.StatisticValues;
          state.store.addStatisticSet(key, ts, { count: s.SampleCount, sum: s.Sum, min: s.Minimum, max: s.Maximum }, d.Unit);
        } else if (d.Values) {
          d.Values.forEach((v, i) => state.store.addValue(key, ts, v, d.Counts?.[i] ?? 1, d.Unit));
        } else {
          // A datum with neither Value nor Values records a zero, as CloudWatch does.
          state.store.addValue(key, ts, d.Value ?? 0, 1, d.Unit);
        }
      }
      state.store.maybePrune(ctx.nowMs);
      return {};
    },
  };
}
