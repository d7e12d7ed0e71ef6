/**
 * Bundles the workflow code with webpack's module listing silenced (the SDK's own
 * bundling logs every module at info level): errors only, as one thrown message.
 * Used by `npm run build` (once, into dist/), a worker started from TypeScript, the test run's
 * shared bundle and `npm run freeze:workflows`: every bundle of workflows/ is made here.
 */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

/**
 * Workflow interceptors every bundle of workflows/ carries: the stale-activation guard
 * (workflows/stale-activation.ts). A bundle without it can run a pipeline's code at a stale time.
 * Bundling always starts from the TypeScript sources (a compiled worker runs the bundle `npm run build` made).
 */
const WORKFLOW_INTERCEPTOR_MODULES = [fileURLToPath(new URL('../workflows/stale-activation.ts', import.meta.url))];

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
