/**
 * Bundles the workflow code with webpack's module listing silenced (the SDK's own
 * bundling logs every module at info level): errors only, as one thrown message.
 * Used by `npm run build` (once, into dist/) and by a worker started from TypeScript.
 */
import { bundleWorkflowCode } from '@temporalio/worker';

export async function bundleWorkflowsQuietly(workflowsPath: string): Promise<string> {
  const errors: string[] = [];
  const ignore = (): void => undefined;
  const logger = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: (message: string) => errors.push(message) };
  try {
    return (await bundleWorkflowCode({ workflowsPath, logger })).code;
  } catch (err) {
    // Webpack's own diagnostics go to the logger; the thrown error only says "finished with errors".
    throw new Error([err instanceof Error ? err.message : String(err), ...errors].join('\n'));
  }
}
