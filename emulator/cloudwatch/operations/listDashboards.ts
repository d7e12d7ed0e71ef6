import type { Operation } from '../../core/types.js';
import { invalidNextToken } from '../errors.js';
import type { CloudWatchState } from '../state.js';
import { decodeToken, encodeToken } from '../wire.js';

interface ListDashboardsInput {
  DashboardNamePrefix?: string;
  NextToken?: string;
}

const PAGE_SIZE = 1000;

export function listDashboards(state: CloudWatchState): Operation<ListDashboardsInput, Record<string, unknown>> {
  return {
    validation: {
      DashboardNamePrefix: { type: 'string', pattern: '[A-Za-z0-9_-]*' },
      NextToken: { type: 'string' },
    },
    handle(input) {
      const offset = decodeToken(input.NextToken);
      if (offset === null) throw invalidNextToken();
      const matching = [...state.dashboards.values()]
        .filter((d) => input.DashboardNamePrefix === undefined || d.name.startsWith(input.DashboardNamePrefix))
        .sort((a, b) => a.name.localeCompare(b.name));
      const entries = matching.slice(offset, offset + PAGE_SIZE).map((d) => ({
        DashboardName: d.name,
        DashboardArn: d.arn,
        LastModified: d.lastModifiedMs / 1000,
        Size: Buffer.byteLength(d.body),
      }));
      const result: Record<string, unknown> = { DashboardEntries: entries };
      if (offset + PAGE_SIZE < matching.length) result.NextToken = encodeToken(offset + PAGE_SIZE);
      return result;
    },
  };
}
