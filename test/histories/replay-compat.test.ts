/**
 * Every recorded history (test/histories/v*) — pipelines and replay children at their
 * interesting moments, recorded from earlier workflow code — replays on today's workflow
 * code. A change that alters the command sequence without `patched()` fails here, before
 * it reaches a pipeline that has been running for months (docs/upgrades.md).
 */
import { describe, expect, it } from 'vitest';
import { PIPELINE_WORKFLOW_TYPE } from '../../workflows/contract.js';
import { CALIBRATION_PATCHES } from '../../workflows/calibration/patches.js';
import { PATCHES } from '../../workflows/lifecycle/patches.js';
import { REPLAY_WORKFLOW_TYPE } from '../../workflows/replay/messages.js';
import { patchIds } from './markers.js';
import { currentWorkflowCode, replayHistories } from './replayer.js';
import { historyVersions, loadHistories } from './store.js';

const MOMENTS = ['provisioning', 'mid-action', 'rollback', 'degraded', 'continue-as-new', 'after continue-as-new', 'replay running', 'teardown'];

describe('recorded workflow histories replay on the current workflow code', () => {
  const versions = historyVersions();

  it('has recordings of both workflow types at every interesting moment', () => {
    expect(versions[0]).toBe('v1');
    const v1 = loadHistories('v1');
    expect(new Set(v1.map((h) => h.meta.workflowType))).toEqual(new Set([PIPELINE_WORKFLOW_TYPE, REPLAY_WORKFLOW_TYPE]));
    const moments = new Set(v1.map((h) => h.meta.moment));
    expect(MOMENTS.filter((m) => !moments.has(m))).toEqual([]);
    expect(v1.some((h) => h.meta.partial)).toBe(true);
  });

  it('has recordings that took newer patches\' branches (v6: reshards past the quota; v8: calibration re-holds), and only patch ids this code still knows', () => {
    const recorded = new Set(versions.flatMap((v) => loadHistories(v)).flatMap((h) => patchIds(h.history)));
    // v6: an override's 11th reshard of the day and its rollback's 12th went through (SplitShard/MergeShards).
    expect([PATCHES.reshardPastQuota, PATCHES.describeAfterAction, PATCHES.tickReadsWhenDue].filter((p) => !recorded.has(p))).toEqual([]);
    // v8: calibrations, one of them scripted so that every re-hold branch was taken.
    expect(Object.values(CALIBRATION_PATCHES).filter((p) => !recorded.has(p))).toEqual([]);
    const known = new Set<string>([...Object.values(PATCHES), ...Object.values(CALIBRATION_PATCHES)]);
    expect([...recorded].filter((p) => !known.has(p))).toEqual([]);
  });

  for (const version of versions) {
    it(`replays every ${version} history without a nondeterminism error`, { timeout: 120_000 }, async () => {
      const histories = loadHistories(version);
      const outcomes = await replayHistories(currentWorkflowCode(), histories);
      expect(outcomes).toHaveLength(histories.length);
      expect(outcomes.filter((o) => o.error).map((o) => `${o.file}: ${o.error?.name}: ${o.error?.message}`)).toEqual([]);
    });
  }
});
