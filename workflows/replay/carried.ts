/**
 * The replay controller's slice of the pipeline's carried state (continue-as-new input),
 * and the migration from every earlier shape. Plain JSON.
 */
import type { ReplayProgress } from '../../model/status.js';
import type { Speedup } from '../../activities/replay/types.js';

export interface ReplayRequest {
  source: string;
  speedup: Speedup;
  paused: boolean;
}

/** Where the replay child stands, as far as a new run of the pipeline can know it. */
export type CarriedChildState = 'none' | 'running' | 'stopping';

/** Version 2 (carried-state version 2 of the pipeline). */
export interface ReplayCarried {
  /** `running`/`stopping`: a child of ours was replaying (or told to stop) and its end has not been seen yet. */
  child: CarriedChildState;
  /** A replay requested and not started yet. */
  pending: ReplayRequest | null;
  progress: ReplayProgress | null;
  malformedRecorded: number;
  /** Children this pipeline started or followed. Above 0, a `replay-<id>` found open when none is ours is our previous one, closing. */
  childrenStarted: number;
}

/** Version 1: the replay extension's snapshot (carried under `extensions.replay`). */
export interface ReplayCarriedV1 {
  pendingStart: ReplayRequest | null;
  childActive: boolean;
  progress: ReplayProgress | null;
  malformedRecorded: number;
  stopping?: boolean;
  childrenStarted?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a value is not a version-1 replay snapshot, or null. */
function v1Problem(v: unknown): string | null {
  if (!isObject(v)) return 'is not an object';
  if (typeof v.childActive !== 'boolean') return 'childActive must be true or false';
  if (!('pendingStart' in v) || (v.pendingStart !== null && !isObject(v.pendingStart))) return 'pendingStart must be a request or null';
  if (v.progress !== null && !isObject(v.progress)) return 'progress must be an object or null';
  if (typeof v.malformedRecorded !== 'number') return 'malformedRecorded must be a number';
  return null;
}

export function migrateReplayV1(v: unknown): { slice: ReplayCarried } | { problem: string } {
  const problem = v1Problem(v);
  if (problem !== null) return { problem: `replay slice (version 1) ${problem}` };
  const old = v as ReplayCarriedV1;
  return {
    slice: {
      child: old.childActive ? (old.stopping === true ? 'stopping' : 'running') : 'none',
      pending: old.pendingStart,
      progress: old.progress,
      malformedRecorded: old.malformedRecorded,
      // Carried from a run before the count existed: a child is ours if one is active or has reported.
      childrenStarted: old.childrenStarted ?? (old.childActive || (old.progress?.startedAt ?? null) !== null ? 1 : 0),
    },
  };
}

/** Why a value is not a version-2 replay slice, or null. */
export function replaySliceProblem(v: unknown): string | null {
  if (!isObject(v)) return 'replay slice is not an object';
  if (!['none', 'running', 'stopping'].includes(v.child as string)) return 'replay slice: child must be none, running or stopping';
  if (v.pending !== null && !isObject(v.pending)) return 'replay slice: pending must be a request or null';
  if (v.progress !== null && !isObject(v.progress)) return 'replay slice: progress must be an object or null';
  if (typeof v.malformedRecorded !== 'number' || typeof v.childrenStarted !== 'number') {
    return 'replay slice: malformedRecorded and childrenStarted must be numbers';
  }
  return null;
}
