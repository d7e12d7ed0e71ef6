/**
 * What a fresh Temporal cluster needs before shardpilot can use it: the namespace and
 * the custom search attributes the pipeline workflow keeps current. Both calls are
 * idempotent (an existing namespace or attribute is left as it is), so every start runs
 * them; an operator of a shared cluster runs the equivalent `temporal operator` commands
 * once (docs/operations.md).
 */
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
// CommonJS package: its namespaces are reachable only through the default export under ESM.
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTES, connectionOptions, sleep, type TemporalTarget } from '../dev-server.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;
const ALREADY_EXISTS = 6;

/** How long closed workflows stay visible; production namespaces choose their own. */
const RETENTION_SECONDS = 3 * 24 * 3600;

function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

export async function ensureNamespace(target: TemporalTarget, namespace: string, timeoutMs: number): Promise<void> {
  const connection = await Connection.connect(connectionOptions(target));
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  try {
    while (Date.now() < deadline) {
      try {
        // Each attempt is bounded: a frontend that is still joining the cluster may hold a call.
        await connection.withDeadline(Date.now() + 10_000, () => attempt(connection, namespace));
        return;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      await sleep(500);
    }
  } finally {
    await connection.close();
  }
  throw new Error(`namespace ${namespace} not ready after ${timeoutMs} ms: ${last}`);
}

async function attempt(connection: Connection, namespace: string): Promise<void> {
  await connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs(RETENTION_SECONDS * 1000),
  }).catch((err: unknown) => {
    if (grpcCode(err) !== ALREADY_EXISTS) throw err;
  });
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = Object.keys(SEARCH_ATTRIBUTES).filter((name) => !(customAttributes && name in customAttributes));
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((name) => [name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
    }).catch((err: unknown) => {
      if (grpcCode(err) !== ALREADY_EXISTS) throw err;
    });
  }
  // A namespace is usable once the frontend lists workflows in it (its caches know it).
  await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
}
