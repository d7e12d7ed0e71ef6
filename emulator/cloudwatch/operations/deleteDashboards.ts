import type { Operation } from '../../core/types.js';
import { dashboardNotFound } from '../errors.js';
import type { CloudWatchState } from '../state.js';

interface DeleteDashboardsInput {
  DashboardNames: string[];
}

export function deleteDashboards(state: CloudWatchState): Operation<DeleteDashboardsInput, Record<string, never>> {
  return {
    validation: { DashboardNames: { type: 'array', required: true } },
    handle(input) {
      const missing = input.DashboardNames.filter((name) => !state.dashboards.has(name));
      // AWS deletes nothing when any named dashboard is unknown.
      if (missing.length > 0) throw dashboardNotFound(`The specified dashboard does not exist. [${missing.join(', ')}]`);
      for (const name of input.DashboardNames) state.dashboards.delete(name);
      return {};
    },
  };
}
