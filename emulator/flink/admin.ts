/**
 * Flink's admin routes under `/_emulator/`: fault injection for the next update, and the
 * taxi job's results (the stand-in for the article's OpenSearch indices).
 */
import { AdminRequestError } from '../core/admin.js';
import type { AdminHandler } from '../core/types.js';
import type { FlinkEngine } from './engine.js';

export const FLINK_FAULTS = ['stuck-updating', 'unhealthy-after-update', 'clear'] as const;
type FlinkFault = (typeof FLINK_FAULTS)[number];

function parseFault(body: unknown): { application: string; fault: FlinkFault } {
  const b = (body ?? {}) as { application?: unknown; fault?: unknown };
  if (typeof b.application !== 'string' || !(FLINK_FAULTS as readonly unknown[]).includes(b.fault)) {
    throw new AdminRequestError(`Body must be {"application": "<name>", "fault": one of ${FLINK_FAULTS.join(', ')}}`);
  }
  return { application: b.application, fault: b.fault as FlinkFault };
}

export function flinkAdminRoutes(engine: FlinkEngine): Record<string, AdminHandler> {
  const app = (name: string) => {
    const found = engine.apps.get(name);
    if (!found) throw new AdminRequestError(`No application ${name}`, 404);
    return found;
  };
  return {
    /**
     * `stuck-updating`: the next UpdateApplication never leaves UPDATING.
     * `unhealthy-after-update`: the next update ends RUNNING, but the job keeps restarting
     * (downtime > 0, fullRestarts climbing) until it is rolled back or stopped.
     */
    'POST flink/faults': ({ body }) => {
      const { application, fault } = parseFault(body);
      const target = app(application);
      if (fault === 'stuck-updating') target.faults.stuckOnNextUpdate = true;
      else if (fault === 'unhealthy-after-update') target.faults.unhealthyAfterNextUpdate = true;
      else target.faults = { stuckOnNextUpdate: false, unhealthyAfterNextUpdate: false, unhealthy: false };
      return { application, faults: { ...target.faults } };
    },
    'GET flink/results/:application': ({ params }) => {
      const target = app(params.application as string);
      return { application: target.name, status: target.status, ...(target.runner?.job.results() ?? { results: null }) };
    },
  };
}
