/**
 * Pure arithmetic of the replay's progress: what the status query shows from the
 * child's state. Percent is by lines read; ETA follows the schedule when there is one
 * (remaining event time ÷ speedup, plus the current lag) and the measured rate at `max`.
 */
import type { ReplayProgress, ReplayState } from '../../model/status.js';
import type { ReplayRunState } from './messages.js';

export function progressOf(state: ReplayRunState, phase: ReplayState, nowIso: string, error: string | null = null): ReplayProgress {
  const cp = state.checkpoint;
  const summary = state.summary;
  const eventsSent = cp?.eventsSent ?? 0;
  const lagSeconds = (cp?.lagMs ?? 0) / 1000;
  const percent = summary && summary.lines > 0 ? Math.min(100, round(((cp?.position.line ?? 0) / summary.lines) * 100, 2)) : null;
  return {
    state: phase,
    source: state.source,
    speedup: state.speedup,
    eventsSent,
    eventsTotal: summary?.trips ?? null,
    eventsPerSecond: round(phase === 'running' ? state.eventsPerSecond : 0, 1),
    lagSeconds: round(lagSeconds, 3),
    throttledRetries: cp?.throttledRetries ?? 0,
    malformedLines: cp?.malformedLines ?? 0,
    percent: phase === 'completed' ? 100 : percent,
    etaSeconds: phase === 'completed' ? 0 : etaSeconds(state),
    startedAt: state.startedAt,
    updatedAt: nowIso,
    error,
  };
}

function etaSeconds(state: ReplayRunState): number | null {
  const summary = state.summary;
  if (!summary) return null;
  const cp = state.checkpoint;
  if (state.speedup === 'max') {
    if (state.eventsPerSecond <= 0) return null;
    return round((summary.trips - (cp?.eventsSent ?? 0)) / state.eventsPerSecond, 1);
  }
  if (summary.lastEventMs === null) return 0;
  const from = cp?.lastEventMs ?? summary.firstEventMs ?? summary.lastEventMs;
  return round(Math.max(0, summary.lastEventMs - from) / state.speedup / 1000 + (cp?.lagMs ?? 0) / 1000, 1);
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function isValidSpeedup(value: unknown): value is number | 'max' {
  return value === 'max' || (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 1_000_000);
}
