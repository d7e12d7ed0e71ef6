/**
 * One entry point for every trip source: JSON lines (`.jsonl`, `.json`, `.ndjson`, the
 * original article's format) or TLC CSV (`.csv`), each plain or gzip. A malformed line
 * is an item of its own with its line number and reason, so the caller counts and
 * reports it and carries on; only an unreadable file or a CSV without a trip header
 * throws.
 *
 * Order: sources are read in file order. The replay schedules by drop-off time, so a
 * source must be sorted by drop-off time (the committed sample is; data/README.md shows
 * how to sort a TLC file). An event that is earlier than one before it is not lost: it
 * is simply released at once (late), never reordered.
 */
import { basename } from 'node:path';
import { readLines, START_OF_FILE, type SourcePosition } from './lines.js';
import { mapTlcHeader, tlcRowToTrip } from './tlc-csv.js';
import { toTripEvent, type TripEvent } from '../trip.js';

export type { SourcePosition } from './lines.js';
export { START_OF_FILE } from './lines.js';

export type SourceFormat = 'jsonl' | 'csv';

export type SourceItem =
  | { kind: 'trip'; trip: TripEvent; line: number; end: SourcePosition }
  | { kind: 'malformed'; line: number; reason: string; end: SourcePosition };

const JSON_EXTENSIONS = ['.jsonl', '.ndjson', '.json'];

export function sourceFormat(file: string): SourceFormat | null {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (JSON_EXTENSIONS.some((ext) => name.endsWith(ext))) return 'jsonl';
  if (name.endsWith('.csv')) return 'csv';
  return null;
}

export function readTrips(file: string, from: SourcePosition = START_OF_FILE): AsyncGenerator<SourceItem> {
  const format = sourceFormat(file);
  if (format === null) throw new Error(`unsupported trip source ${basename(file)}: expected .jsonl, .json, .ndjson or .csv (optionally .gz)`);
  return format === 'csv' ? readCsvTrips(file, from) : readJsonTrips(file, from);
}

async function* readJsonTrips(file: string, from: SourcePosition): AsyncGenerator<SourceItem> {
  for await (const { line, text, end } of readLines(file, from)) {
    if (text.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      yield { kind: 'malformed', line, reason: `invalid JSON: ${(err as Error).message}`, end };
      continue;
    }
    const trip = toTripEvent(parsed);
    if (typeof trip === 'string') yield { kind: 'malformed', line, reason: trip, end };
    else yield { kind: 'trip', trip, line, end };
  }
}

async function* readCsvTrips(file: string, from: SourcePosition): AsyncGenerator<SourceItem> {
  const header = await readHeader(file);
  const columns = mapTlcHeader(header.text);
  const start = from.line >= header.end.line ? from : header.end;
  const idPrefix = basename(file).replace(/\.gz$/i, '').replace(/\.csv$/i, '');
  for await (const { line, text, end } of readLines(file, start)) {
    if (text.trim() === '') continue;
    const trip = tlcRowToTrip(text, columns, `${idPrefix}-${line}`);
    if (typeof trip === 'string') yield { kind: 'malformed', line, reason: trip, end };
    else yield { kind: 'trip', trip, line, end };
  }
}

async function readHeader(file: string): Promise<{ text: string; end: SourcePosition }> {
  for await (const first of readLines(file)) {
    // TLC 2010–2014 files have a blank second line; the header is the first non-blank line.
    if (first.text.trim() !== '') return { text: first.text, end: first.end };
  }
  throw new Error(`${basename(file)} is empty`);
}

export interface SourceSummary {
  /** Lines in the file, blank ones included (the unit of percent done). */
  lines: number;
  bytes: number;
  trips: number;
  malformed: number;
  firstEventMs: number | null;
  lastEventMs: number | null;
}

/** One pass over the whole source: what a replay needs for percent done and ETA. */
export async function summarizeSource(file: string, onLine?: (line: number) => void): Promise<SourceSummary> {
  const summary: SourceSummary = { lines: 0, bytes: 0, trips: 0, malformed: 0, firstEventMs: null, lastEventMs: null };
  for await (const item of readTrips(file)) {
    summary.lines = item.end.line;
    summary.bytes = item.end.byteOffset;
    if (item.kind === 'malformed') summary.malformed++;
    else {
      summary.trips++;
      const t = Date.parse(item.trip.dropoff_datetime);
      if (summary.firstEventMs === null) summary.firstEventMs = t;
      summary.lastEventMs = summary.lastEventMs === null ? t : Math.max(summary.lastEventMs, t);
    }
    if (onLine && summary.lines % 10_000 === 0) onLine(summary.lines);
  }
  return summary;
}
