/**
 * Replays recorded histories with `Worker.runReplayHistories` on a workflow bundle, and
 * reports per file what happened.
 */
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { inject } from 'vitest';
import { quietRuntime } from '../support/temporal.js';
import { historyFromJson, type History } from './history-json.js';
import type { LoadedHistory } from './store.js';

export interface ReplayOutcome {
  file: string;
  /** Undefined when the history replayed cleanly. */
  error?: Error;
}

/** The run's shared bundle: today's workflows/ (plus the fixtures, whose names start with `fixture`). */
export function currentWorkflowCode(): Pick<ReplayWorkerOptions, 'workflowBundle'> {
  const codePath = inject('workflowBundlePath');
  if (codePath === '') throw new Error(`The shared workflow bundle failed to build: ${inject('workflowBundleError')}`);
  return { workflowBundle: { codePath } };
}

/** Which workflow (by type name) a history is replayed with. */
function withWorkflowType(history: History, type: string): History {
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started?.workflowType) throw new Error('history does not start with WorkflowExecutionStarted');
  started.workflowType.name = type;
  return history;
}

export async function replayHistories(
  code: Pick<ReplayWorkerOptions, 'workflowBundle' | 'workflowsPath'>,
  histories: LoadedHistory[],
  options: { asWorkflowType?: string } = {},
): Promise<ReplayOutcome[]> {
  quietRuntime();
  const inputs = histories.map((h) => ({
    workflowId: h.meta.workflowId,
    // Parsed here, not by the SDK (see history-json.ts); a fresh object each time, so renaming is safe.
    history: options.asWorkflowType === undefined ? historyFromJson(h.history) : withWorkflowType(historyFromJson(h.history), options.asWorkflowType),
  }));
  const outcomes: ReplayOutcome[] = [];
  // Results come back in input order, one per history.
  for await (const result of Worker.runReplayHistories({ ...code, replayName: 'replay-compat' }, inputs)) {
    const file = `${histories[outcomes.length]?.version}/${histories[outcomes.length]?.file}`;
    outcomes.push(result.error === undefined ? { file } : { file, error: result.error });
  }
  return outcomes;
}
