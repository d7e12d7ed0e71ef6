/**
 * The replay suite catches what it is for: a copy of the pipeline workflow with one extra
 * timer fails on every recorded pipeline history with a DeterminismViolationError, the
 * same change behind `patched()` replays them all, and a timer added after the end is
 * caught in exactly the histories that reach the end. (The copies are in the shared bundle
 * under their own names; each history is replayed as if started with that name.)
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { PIPELINE_WORKFLOW_TYPE } from '../../workflows/contract.js';
import { LATE_CHANGE_WORKFLOW_TYPE, PATCHED_CHANGE_WORKFLOW_TYPE, UNPATCHED_CHANGE_WORKFLOW_TYPE } from '../fixtures/workflows/changed-pipeline.js';
import { currentWorkflowCode, replayHistories } from './replayer.js';
import { historyVersions, loadHistories } from './store.js';

const pipelineHistories = () => historyVersions().flatMap((v) => loadHistories(v)).filter((h) => h.meta.workflowType === PIPELINE_WORKFLOW_TYPE);

describe('the replay-compatibility suite bites', () => {
  beforeAll(() => {
    // Core warns about every failed workflow task; here they are the expected outcome.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  });

  it('fails every recorded pipeline history when a timer is added without a patch', { timeout: 120_000 }, async () => {
    const histories = pipelineHistories();
    expect(histories.length).toBeGreaterThan(5);
    const outcomes = await replayHistories(currentWorkflowCode(), histories, { asWorkflowType: UNPATCHED_CHANGE_WORKFLOW_TYPE });
    expect(outcomes).toHaveLength(histories.length);
    for (const outcome of outcomes) {
      expect(outcome.error, outcome.file).toBeInstanceOf(DeterminismViolationError);
    }
  });

  it('replays every recorded pipeline history when the same change is behind patched()', { timeout: 120_000 }, async () => {
    const histories = pipelineHistories();
    const outcomes = await replayHistories(currentWorkflowCode(), histories, { asWorkflowType: PATCHED_CHANGE_WORKFLOW_TYPE });
    expect(outcomes.filter((o) => o.error).map((o) => `${o.file}: ${o.error?.message}`)).toEqual([]);
  });

  it('replays each history to its end: a timer after deletion fails exactly the pipelines that completed', { timeout: 120_000 }, async () => {
    const histories = pipelineHistories();
    const completed = (h: (typeof histories)[number]) => JSON.stringify(h.history).includes('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
    expect(histories.filter(completed).length).toBeGreaterThan(2);
    const outcomes = await replayHistories(currentWorkflowCode(), histories, { asWorkflowType: LATE_CHANGE_WORKFLOW_TYPE });
    expect(outcomes.filter((o) => o.error instanceof DeterminismViolationError).map((o) => o.file))
      .toEqual(histories.filter(completed).map((h) => `${h.version}/${h.file}`));
    expect(outcomes.filter((o) => o.error !== undefined && !(o.error instanceof DeterminismViolationError))).toEqual([]);
  });
});
