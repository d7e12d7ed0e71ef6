import type { Operation } from '../../core/types.js';
import { dashboardInvalidInput } from '../errors.js';
import type { CloudWatchState } from '../state.js';

interface PutDashboardInput {
  DashboardName: string;
  DashboardBody: string;
}

/** The body must be a JSON object whose `widgets`, when present, is a list (what AWS checks first). */
function bodyProblem(body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'The field DashboardBody must be a valid JSON object';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'The field DashboardBody must be a valid JSON object';
  const widgets = (parsed as { widgets?: unknown }).widgets;
  if (widgets !== undefined && !Array.isArray(widgets)) return 'Should be array';
  return null;
}

export function putDashboard(state: CloudWatchState): Operation<PutDashboardInput, { DashboardValidationMessages: [] }> {
  return {
    validation: {
      DashboardName: { type: 'string', required: true, minLength: 1, maxLength: 255, pattern: '[A-Za-z0-9_-]+' },
      DashboardBody: { type: 'string', required: true },
    },
    handle(input, ctx) {
      const problem = bodyProblem(input.DashboardBody);
      if (problem) throw dashboardInvalidInput(`The dashboard body is invalid, there are 1 validation errors: [ { "dataPath": "", "message": "${problem}" } ]`);
      state.dashboards.set(input.DashboardName, {
        name: input.DashboardName,
        arn: `arn:aws:cloudwatch::${ctx.accountId}:dashboard/${input.DashboardName}`,
        body: input.DashboardBody,
        lastModifiedMs: ctx.nowMs,
      });
      return { DashboardValidationMessages: [] };
    },
  };
}
