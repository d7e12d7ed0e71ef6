/** The committed sample: replay source `sample`. Resolved from this file so it works from any working directory. */
import { fileURLToPath } from 'node:url';

export const SAMPLE_FILE = fileURLToPath(new URL('./sample/trips-sample.jsonl.gz', import.meta.url));
export const SAMPLE_SOURCE = 'sample';
