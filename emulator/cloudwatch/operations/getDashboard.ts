import type { Operation } from '../../core/types.js';
import { dashboardNotFound } from '../errors.js';
import type { CloudWatchState } from '../state.js';

export function getDashboard(state: CloudWatchState): Operation<{ DashboardName: string }, Record<string, string>> {
  return {
    validation: { DashboardName: { type: 'string', required: true } },
    handle(input) {
      const dashboard = state.dashboards.get(input.DashboardName);
      if (!dashboard) throw dashboardNotFound(`Dashboard ${input.DashboardName} does not exist`);
      return { DashboardArn: dashboard.arn, DashboardBody: dashboard.body, DashboardName: dashboard.name };
    },
  };
}
