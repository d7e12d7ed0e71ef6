import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CARRIED_STATE_VERSION, carriedState, readCarried } from '../../workflows/lifecycle/carried.js';

/** A continue-as-new input in the shape the code before versioning wrote (version 1: no `version` field). */
const v1 = (): Record<string, unknown> => JSON.parse(readFileSync(resolve(import.meta.dirname, 'fixtures/carried-v1.json'), 'utf8'));

describe('carried state: versioned, migrated from every earlier version, never silently reset', () => {
  it('migrates version 1 to the current version, keeping the quota window, holds, history and the replay child', () => {
    const read = readCarried(v1());
    expect(read.problems).toEqual([]);
    expect(read.fromVersion).toBe(1);
    expect(read.pipeline).toMatchObject({ phase: 'RUNNING', continuedAsNewCount: 7, resources: { createdStream: true, applicationVersionId: 3 } });
    expect(read.scaling?.shardUpdateTimes).toEqual([1764496800, 1764500400, 1764504000]);
    expect(read.scaling?.pendingOverride).toMatchObject({ target: { parallelism: 4 }, reason: 'planned event' });
    expect(read.scaling?.policyState).toEqual({ lowStreak: 2 });
    expect(read.scaling?.history).toHaveLength(1);
    expect(read.scaling?.lastSampleTimestamp).toBe(1764504000);
    // A child started before versioning is ours and still replaying.
    expect(read.replay).toMatchObject({ child: 'running', pending: null, malformedRecorded: 1, childrenStarted: 1 });
  });

  it('migrates a version-1 replay slice whose child was told to stop, and one with nothing running', () => {
    const stopping = v1();
    (stopping.extensions as { replay: Record<string, unknown> }).replay.stopping = true;
    expect(readCarried(stopping).replay?.child).toBe('stopping');
    const idle = v1();
    Object.assign((idle.extensions as { replay: Record<string, unknown> }).replay, { childActive: false, progress: null });
    expect(readCarried(idle).replay).toMatchObject({ child: 'none', childrenStarted: 0 });
  });

  it('reads back what the current version writes, unchanged, as plain JSON', () => {
    const read = readCarried(v1());
    const written = carriedState(read.pipeline!, read.scaling!, read.replay!);
    expect(written.version).toBe(CARRIED_STATE_VERSION);
    const again = readCarried(JSON.parse(JSON.stringify(written)));
    expect(again).toEqual({ ...read, fromVersion: CARRIED_STATE_VERSION });
  });

  it('names a scaling slice it cannot read instead of replacing it with a fresh one (which would forget the 24 h quota window)', () => {
    const doc = v1();
    (doc.extensions as { scaling: Record<string, unknown> }).scaling.version = 0;
    const read = readCarried(doc);
    expect(read.scaling).toBeNull();
    expect(read.problems).toEqual(['scaling slice has version 0; this build reads version 1']);
    // The rest is still usable: resources (for teardown) and the replay child are kept.
    expect(read.pipeline?.resources.createdStream).toBe(true);
    expect(read.replay?.child).toBe('running');
  });

  it('refuses a document from a newer build, or of no known shape, and says which versions it reads', () => {
    expect(readCarried({ version: 3, pipeline: {} }).problems).toEqual([
      'the carried state has version 3; this build reads versions 1 to 2 (it was written by a newer build)',
    ]);
    const garbage = readCarried({ phase: 'RUNNING' });
    expect(garbage).toMatchObject({ pipeline: null, scaling: null, replay: null });
    expect(garbage.problems[0]).toContain('not the version-1 shape');
    expect(readCarried('x').problems[0]).toContain('not a document');
  });
});
