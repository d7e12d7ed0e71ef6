/**
 * Bundles the workflow code with webpack's module listing silenced (the SDK's own
 * bundling logs every module at info level): errors only, as one thrown message.
 * Used by `npm run build` (once, into dist/) and by a worker started from TypeScript.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/**
 * Workflow interceptors every bundle of workflows/ carries: the stale-activation guard
 * (workflows/stale-activation.ts). A bundle without it can run a pipeline's code at a stale time.
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [sourceOrCompiled('../workflows/stale-activation')];

/** The module's TypeScript source when running from source, its compiled file when running from dist/. */
function sourceOrCompiled(relative: string): string {
  const source = resolve(import.meta.dirname, `${relative}.ts`);
  return existsSync(source) ? source : resolve(import.meta.dirname, `${relative}.js`);
}

export async function bundleWorkflowsQuietly(workflowsPath: string): Promise<string> {
  const errors: string[] = [];
  const ignore = (): void => undefined;
  const logger = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: (message: string) => errors.push(message) };
  try {
    return (await bundleWorkflowCode({ workflowsPath, logger, workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES })).code;
  } catch (err) {
    // Webpack's own diagnostics go to the logger; the thrown error only says "finished with errors".
    throw new Error([err instanceof Error ? err.message : String(err), ...errors].join('\n'));
  }
}
