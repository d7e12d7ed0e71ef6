/**
 * The pipeline's status, published in its memo (key `status`, contract.ts) whenever it
 * changes, so the API reads it with DescribeWorkflowExecution — answered by the Temporal
 * server from the execution's state — instead of a query, which is a task for this
 * workflow's worker and queues behind its workflow tasks (issue 11: with 200 pipelines,
 * status reads kept the worker and the server busy and waited seconds for answers).
 *
 * The check runs after every activation (a `condition` with no timeout creates no command)
 * and costs one JSON.stringify of the status; an upsert happens only on a change, in the
 * same workflow task as the change, so the memo is the status as of the last workflow task —
 * what a query would have answered. Behind `PATCHES.publishStatus`: in a run recorded before
 * it, the changes seen while replaying publish nothing; the first change after the run goes
 * live publishes the whole status.
 */
import { CancellationScope, condition, patched, upsertMemo } from '@temporalio/workflow';
import type { PipelineStatus } from '../../model/status.js';
import { STATUS_MEMO_KEY } from '../contract.js';
import { PATCHES } from './patches.js';

export class StatusPublisher {
  private status: PipelineStatus | null = null;
  /** The status as last published (or, while replaying a run recorded before the patch, as last seen). */
  private last: string | null = null;

  /** Publishes `status` from now on, after every activation that changed it. */
  watch(status: PipelineStatus): void {
    this.status = status;
    // Never cancelled: cancelling a pipeline means an orderly teardown, whose changes are published too.
    void CancellationScope.nonCancellable(() => this.run());
  }

  /**
   * Also called right before the run ends (return, failure, continue-as-new): a change made in the last
   * workflow task is published in it, before the command that closes the run.
   */
  publishIfChanged(): void {
    if (this.status === null) return;
    const json = JSON.stringify(this.status);
    if (json === this.last) return;
    this.last = json;
    if (!patched(PATCHES.publishStatus)) return;
    upsertMemo({ [STATUS_MEMO_KEY]: JSON.parse(json) as PipelineStatus });
  }

  private async run(): Promise<never> {
    for (;;) {
      await condition(() => this.changed());
      this.publishIfChanged();
    }
  }

  private changed(): boolean {
    return this.status !== null && JSON.stringify(this.status) !== this.last;
  }
}
