/**
 * The pipeline's carried state: the plain-JSON document one run hands the next through
 * continue-as-new. It has an explicit version; every earlier version has a migration
 * here, and a document this build cannot read is reported, never replaced by a fresh
 * state (that would forget the 24 h UpdateShardCount window, holds and history).
 *
 * Versions:
 *   1 — no `version` field: the life cycle's fields at the top level, the controllers'
 *       snapshots under `extensions.replay` / `extensions.scaling` (code before 2026-12).
 *   2 — `{ version: 2, pipeline, scaling, replay }`: one slice per owner.
 */
import type { ReplayCarried } from '../replay/carried.js';
import { migrateReplayV1, replaySliceProblem } from '../replay/carried.js';
import { scalingSliceProblem, type ScalingState } from '../scaling/state.js';
import type { PipelineCarried } from './state.js';

export const CARRIED_STATE_VERSION = 2;

export interface CarriedState {
  version: typeof CARRIED_STATE_VERSION;
  pipeline: PipelineCarried;
  scaling: ScalingState;
  replay: ReplayCarried;
}

/** What a run could make of the document it was given. A null slice could not be read; `problems` says why. */
export interface ReadCarried {
  /** The version the document had (null when it had none this build recognises). */
  fromVersion: number | null;
  pipeline: PipelineCarried | null;
  scaling: ScalingState | null;
  replay: ReplayCarried | null;
  problems: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function pipelineSliceProblem(v: unknown): string | null {
  if (!isObject(v)) return 'pipeline slice is not an object';
  if (typeof v.phase !== 'string') return 'pipeline slice: phase must be text';
  if (!isObject(v.resources)) return 'pipeline slice: resources must be an object';
  const r = v.resources;
  if (typeof r.streamName !== 'string' || typeof r.applicationName !== 'string') return 'pipeline slice: resources must name the stream and the application';
  if (typeof r.createdStream !== 'boolean' || typeof r.createdApplication !== 'boolean') return 'pipeline slice: resources must say what this pipeline created';
  if (!Array.isArray(v.events)) return 'pipeline slice: events must be a list';
  if (typeof v.createdAt !== 'string' || typeof v.continuedAsNewCount !== 'number') return 'pipeline slice: createdAt and continuedAsNewCount are required';
  return null;
}

function pipelineOf(v: Record<string, unknown>): PipelineCarried {
  return {
    phase: v.phase, resources: v.resources, capacity: v.capacity ?? null, events: v.events, lastError: v.lastError ?? null,
    attention: v.attention ?? null, createdAt: v.createdAt, continuedAsNewCount: v.continuedAsNewCount,
  } as PipelineCarried;
}

/** Version 1 → 2. */
function fromV1(v: Record<string, unknown>): ReadCarried {
  const problems: string[] = [];
  const pipelineProblem = pipelineSliceProblem(v);
  if (pipelineProblem !== null) problems.push(pipelineProblem);
  const extensions = isObject(v.extensions) ? v.extensions : {};
  const scalingProblem = scalingSliceProblem(extensions.scaling);
  if (scalingProblem !== null) problems.push(scalingProblem);
  const replay = migrateReplayV1(extensions.replay);
  if ('problem' in replay) problems.push(replay.problem);
  return {
    fromVersion: 1,
    pipeline: pipelineProblem === null ? pipelineOf(v) : null,
    scaling: scalingProblem === null ? (extensions.scaling as ScalingState) : null,
    replay: 'slice' in replay ? replay.slice : null,
    problems,
  };
}

function fromV2(v: Record<string, unknown>): ReadCarried {
  const problems = [pipelineSliceProblem(v.pipeline), scalingSliceProblem(v.scaling), replaySliceProblem(v.replay)]
    .filter((p): p is string => p !== null);
  return {
    fromVersion: 2,
    pipeline: pipelineSliceProblem(v.pipeline) === null ? pipelineOf(v.pipeline as Record<string, unknown>) : null,
    scaling: scalingSliceProblem(v.scaling) === null ? (v.scaling as ScalingState) : null,
    replay: replaySliceProblem(v.replay) === null ? (v.replay as ReplayCarried) : null,
    problems,
  };
}

/** Reads (and migrates) a carried document of any version this build knows; what it cannot read it names. */
export function readCarried(raw: unknown): ReadCarried {
  if (!isObject(raw)) return unreadable(null, `the carried state is ${raw === null ? 'null' : typeof raw}, not a document`);
  if (!('version' in raw)) {
    if ('extensions' in raw && 'phase' in raw) return fromV1(raw);
    return unreadable(null, 'the carried state has no version and is not the version-1 shape (phase, resources, extensions)');
  }
  if (raw.version === 2) return fromV2(raw);
  return unreadable(
    null,
    `the carried state has version ${JSON.stringify(raw.version)}; this build reads versions 1 to ${CARRIED_STATE_VERSION}` +
      (typeof raw.version === 'number' && raw.version > CARRIED_STATE_VERSION ? ' (it was written by a newer build)' : ''),
  );
}

function unreadable(fromVersion: number | null, problem: string): ReadCarried {
  return { fromVersion, pipeline: null, scaling: null, replay: null, problems: [problem] };
}

export function carriedState(pipeline: PipelineCarried, scaling: ScalingState, replay: ReplayCarried): CarriedState {
  return { version: CARRIED_STATE_VERSION, pipeline, scaling, replay };
}
