/**
 * The emulator's admin API under `/_emulator/`, a path no AWS SDK uses: health, reset,
 * call log, generic faults, plus the routes each service module contributes
 * (`"GET jobs/:application/results"` style patterns).
 */
import type { CallLog } from './callLog.js';
import type { FaultInjector } from './faults.js';
import { faultSpecProblem } from './faults.js';
import type { FaultSpec } from './faults.js';
import type { AdminHandler, ServiceModule } from './types.js';

export const ADMIN_PREFIX = '/_emulator/';

export interface AdminResponse {
  status: number;
  body: unknown;
}

export class AdminRequestError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface Route {
  method: string;
  segments: string[];
  handler: AdminHandler;
}

export interface AdminDeps {
  modules: readonly ServiceModule[];
  callLog: CallLog;
  faults: FaultInjector;
  /** Resets every module, the call log and the faults. */
  reset(): void;
  startedMs: number;
  nowMs(): number;
}

function parseRouteKey(key: string, handler: AdminHandler): Route {
  const [method = 'GET', path = ''] = key.trim().split(/\s+/, 2);
  return { method: method.toUpperCase(), segments: path.replace(/^\/+|\/+$/g, '').split('/'), handler };
}

function matchRoute(route: Route, method: string, segments: string[]): Record<string, string> | null {
  if (route.method !== method || route.segments.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [i, pattern] of route.segments.entries()) {
    const actual = segments[i] ?? '';
    if (pattern.startsWith(':')) params[pattern.slice(1)] = decodeURIComponent(actual);
    else if (pattern !== actual) return null;
  }
  return params;
}

export function createAdminRouter(deps: AdminDeps): (method: string, url: URL, body: unknown) => Promise<AdminResponse> {
  const core: Record<string, AdminHandler> = {
    'GET health': () => ({
      status: 'ok',
      services: deps.modules.map((m) => m.targetPrefix),
      uptimeMs: deps.nowMs() - deps.startedMs,
    }),
    'POST reset': () => {
      deps.reset();
      return { reset: true };
    },
    'GET calls': ({ query }) => ({
      calls: deps.callLog.list({
        operation: query.get('operation') ?? undefined,
        service: query.get('service') ?? undefined,
        since: query.has('since') ? Number(query.get('since')) : undefined,
      }),
    }),
    'DELETE calls': () => {
      deps.callLog.clear();
      return { cleared: true };
    },
    'GET faults': () => ({ faults: deps.faults.list() }),
    'POST faults': ({ body }) => {
      const problem = faultSpecProblem(body);
      if (problem !== null) throw new AdminRequestError(problem);
      return deps.faults.add(body as FaultSpec);
    },
    'DELETE faults': () => {
      deps.faults.clear();
      return { cleared: true };
    },
  };
  const routes = [core, ...deps.modules.map((m) => m.adminRoutes ?? {})].flatMap((table) =>
    Object.entries(table).map(([key, handler]) => parseRouteKey(key, handler)),
  );

  return async (method, url, body) => {
    const segments = url.pathname.slice(ADMIN_PREFIX.length).replace(/\/+$/, '').split('/');
    for (const route of routes) {
      const params = matchRoute(route, method, segments);
      if (params === null) continue;
      try {
        return { status: 200, body: (await route.handler({ body, query: url.searchParams, params })) ?? {} };
      } catch (err) {
        if (err instanceof AdminRequestError) return { status: err.status, body: { error: err.message } };
        throw err;
      }
    }
    return { status: 404, body: { error: `No admin route ${method} ${url.pathname}` } };
  };
}
