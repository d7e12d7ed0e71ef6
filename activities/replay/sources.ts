/**
 * Maps a replay `source` from the spec to a file: `sample` is the committed sample;
 * anything else is a relative path inside the data folder. Paths that are absolute or
 * climb out of the folder are refused, so an API caller cannot read arbitrary files.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { sourceFormat } from '../../data/readers/source.js';
import { SAMPLE_FILE, SAMPLE_SOURCE } from '../../data/sample.js';

export class ReplaySourceError extends Error {
  override readonly name = 'ReplaySourceError';
}

export function resolveReplaySource(source: string, dataDir: string, sampleFile: string = SAMPLE_FILE): string {
  if (source === SAMPLE_SOURCE) return sampleFile;
  if (source.includes('\0')) throw new ReplaySourceError('replay source contains a NUL byte');
  if (isAbsolute(source) || /^[a-zA-Z]:/.test(source)) {
    throw new ReplaySourceError(`replay source must be a path relative to the data folder, got ${JSON.stringify(source)}`);
  }
  const root = resolve(dataDir);
  const file = resolve(root, source);
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    throw new ReplaySourceError(`replay source ${JSON.stringify(source)} leaves the data folder`);
  }
  if (sourceFormat(file) === null) {
    throw new ReplaySourceError(`replay source ${JSON.stringify(source)} must end in .jsonl, .json, .ndjson or .csv (optionally .gz)`);
  }
  return file;
}
