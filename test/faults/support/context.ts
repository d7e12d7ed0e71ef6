/**
 * What a fault test needs from the vitest run: the shared dev server, the shared workflow
 * bundle, and the seed (printed, so a failure names the seed that reproduces it).
 */
import { inject } from 'vitest';
import { FaultRig, type RigOptions } from './rig.js';
import { chooseSeed, seededRandom, type Random } from './seed.js';

export interface FaultContext {
  seed: number;
  random: Random;
  lines: string[];
  rig(overrides?: Partial<RigOptions>): Promise<FaultRig>;
}

export function faultContext(name: string): FaultContext {
  const seed = chooseSeed();
  process.stdout.write(`[faults] ${name}: seed ${seed} (repeat with FAULTS_SEED=${seed})\n`);
  const random = seededRandom(seed);
  const lines: string[] = [];
  const bundlePath = inject('workflowBundlePath');
  return {
    seed, random, lines,
    async rig(overrides = {}) {
      if (bundlePath === '') throw new Error(`shared workflow bundle failed: ${inject('workflowBundleError')}`);
      return FaultRig.start({
        temporalAddress: inject('temporalAddress'), namespace: inject('temporalNamespace'), bundlePath, random,
        log: (line) => {
          lines.push(`${new Date().toISOString()} ${line}`);
          process.stdout.write(`[faults] ${line}\n`);
        },
        ...overrides,
      });
    },
  };
}

/** The failure message: what went wrong, the seed, and the rig's log. */
export function withSeed(ctx: FaultContext, problems: string[]): string {
  return `seed ${ctx.seed} (FAULTS_SEED=${ctx.seed}):\n${problems.join('\n')}\n--- log ---\n${ctx.lines.slice(-60).join('\n')}`;
}
