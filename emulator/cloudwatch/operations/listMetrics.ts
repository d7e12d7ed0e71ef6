import type { Operation } from '../../core/types.js';
import { invalidNextToken, validationFailed } from '../errors.js';
import type { CloudWatchState } from '../state.js';
import { checkTable } from '../../core/validation.js';
import { METRIC_NAME_RULE, NAMESPACE_RULE, decodeToken, encodeToken, recordToDimensions, type WireMetric } from '../wire.js';

interface ListMetricsInput {
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value?: string }[];
  NextToken?: string;
  RecentlyActive?: 'PT3H';
}

const PAGE_SIZE = 500;
const RECENT_MS = 3 * 3600_000;

export function listMetrics(state: CloudWatchState): Operation<ListMetricsInput, { Metrics: WireMetric[]; NextToken?: string }> {
  return {
    validation: {
      Namespace: NAMESPACE_RULE,
      MetricName: METRIC_NAME_RULE,
      Dimensions: { type: 'array', maxItems: 10 },
      NextToken: { type: 'string' },
      RecentlyActive: { type: 'string', enum: ['PT3H'] },
    },
    handle(input, ctx) {
      const problems = (input.Dimensions ?? []).flatMap((d, i) =>
        checkTable(d as unknown as Record<string, unknown>, {
          Name: { type: 'string', required: true, minLength: 1, maxLength: 255 },
          Value: { type: 'string', minLength: 1, maxLength: 1024 },
        }, `dimensions.${i + 1}.member.`),
      );
      if (problems.length > 0) throw validationFailed(problems);
      const offset = decodeToken(input.NextToken);
      if (offset === null) throw invalidNextToken();
      const matching = [...state.store.all()].filter(
        (s) =>
          (input.Namespace === undefined || s.namespace === input.Namespace) &&
          (input.MetricName === undefined || s.metricName === input.MetricName) &&
          (input.RecentlyActive === undefined || s.lastWriteMs >= ctx.nowMs - RECENT_MS) &&
          (input.Dimensions ?? []).every((f) => f.Name in s.dimensions && (f.Value === undefined || s.dimensions[f.Name] === f.Value)),
      );
      const page = matching.slice(offset, offset + PAGE_SIZE).map((s) => ({
        Namespace: s.namespace,
        MetricName: s.metricName,
        Dimensions: recordToDimensions(s.dimensions),
      }));
      const next = offset + PAGE_SIZE < matching.length ? encodeToken(offset + PAGE_SIZE) : undefined;
      return next === undefined ? { Metrics: page } : { Metrics: page, NextToken: next };
    },
  };
}
