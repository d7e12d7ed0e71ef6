/**
 * The command line the generated-suite runners share (bench:scaling-reference and
 * bench:scaling-causes): the suite's seeds, the restart time and where results go.
 */
import { join } from 'node:path';
import { suiteSeeds } from './generate.js';
import { DEFAULT_SIM_OPTIONS } from './sim/simulate.js';

export const SUITE_FLAGS = {
  generated: { type: 'string', default: '150' },
  seed: { type: 'string', default: '1' },
  'held-out': { type: 'string', default: '0' },
  'restart-seconds': { type: 'string', default: String(DEFAULT_SIM_OPTIONS.restartSeconds) },
  out: { type: 'string', default: join(import.meta.dirname, '..', 'out') },
} as const;

/** A flag that must be a non-negative integer, named in the error. */
export function count(flag: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${flag} must be a non-negative integer (got '${raw}')`);
  return value;
}

/** The suite the flags name: its counts (for the command line written with the results) and its seeds. */
export function suiteFromFlags(values: { generated?: string; seed?: string; 'held-out'?: string }) {
  const generated = count('generated', values.generated!);
  const first = count('seed', values.seed!);
  const heldOut = count('held-out', values['held-out']!);
  return { generated, first, heldOut, seeds: suiteSeeds(first, generated, heldOut) };
}
