/**
 * The pipeline's IAM role on the workflow side (spec `roleArn`, issue 15): when the spec
 * names one, every activity the pipeline (and its replay child) schedules carries a role
 * marker as its last argument, and the worker makes that activity's AWS calls as the role
 * (activities/aws/roles.ts). Without a role nothing is appended, so the commands of pipelines
 * without one are exactly as before (and their recorded histories replay unchanged).
 * Module state is per workflow run (each run has its own module scope in the TS SDK).
 */
import { ROLE_MARKER_KEY, type RoleMarker } from '../model/aws-role.js';

let role: string | undefined;

/** Called once at the start of a run with the spec's `roleArn` (undefined: the worker's own credentials). */
export function useAwsRole(roleArn: string | undefined): void {
  role = roleArn;
}

/** `args` with the role marker appended when the run has a role (the activity's declared parameters are unchanged). */
export function withRole<A extends unknown[]>(args: A): A {
  if (role === undefined) return args;
  const marker: RoleMarker = { [ROLE_MARKER_KEY]: role };
  // The marker rides after the declared parameters; the worker strips it before the activity runs.
  return [...args, marker] as unknown as A;
}

/** A proxyActivities object whose calls carry the role marker. */
export function roleBound<T extends object>(activities: T): T {
  return new Proxy(activities, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value as ((...args: unknown[]) => unknown) & { executeWithOptions?: (options: unknown, args: unknown[]) => unknown };
      const call = (...args: unknown[]) => fn(...withRole(args));
      if (fn.executeWithOptions !== undefined) {
        const executeWithOptions = fn.executeWithOptions.bind(fn);
        return Object.assign(call, { executeWithOptions: (options: unknown, args: unknown[]) => executeWithOptions(options, withRole(args)) });
      }
      return call;
    },
  });
}
