/**
 * Recorded workflow histories, one folder per recording (`v1`, `v2`, …). A folder is never
 * rewritten or deleted: it is what pipelines started on that code look like while they
 * run, and every later workflow code must still replay it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const HISTORIES_DIR = resolve(import.meta.dirname);

export interface RecordedHistoryMeta {
  /** What the workflow was doing when its history was fetched, e.g. "mid-action". */
  moment: string;
  workflowType: string;
  workflowId: string;
  runId: string;
  /** True when the run had not closed: replay stops at the last recorded workflow task. */
  partial: boolean;
  description: string;
}

export interface RecordedHistory {
  meta: RecordedHistoryMeta;
  /** `historyToJSON` of the run's events, as the Temporal CLI and UI export it. */
  history: unknown;
}

export interface LoadedHistory extends RecordedHistory {
  version: string;
  file: string;
}

/** `v1`, `v2`, … in numeric order. */
export function historyVersions(dir = HISTORIES_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^v\d+$/.test(entry.name))
    .map((entry) => entry.name)
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

export function nextHistoryVersion(dir = HISTORIES_DIR): string {
  const last = historyVersions(dir).at(-1);
  return `v${last === undefined ? 1 : Number(last.slice(1)) + 1}`;
}

export function loadHistories(version: string, dir = HISTORIES_DIR): LoadedHistory[] {
  const folder = join(dir, version);
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ version, file, ...(JSON.parse(readFileSync(join(folder, file), 'utf8')) as RecordedHistory) }));
}
