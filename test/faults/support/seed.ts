/**
 * The fault suite's randomness: one printed seed drives every random choice (kill
 * moments, which pipeline gets which fault, the emulator's fault draws), so a failure can
 * be run again with `FAULTS_SEED=<seed>`. Timing still varies between runs; the seed fixes
 * the choices, not the machine's speed.
 */

export type Random = () => number;

/** mulberry32: small, fast, and good enough to spread kill moments and fault draws. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FAULTS_SEED when set (must be a whole number), else a fresh one. */
export function chooseSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.FAULTS_SEED;
  if (given !== undefined && given !== '') {
    if (!/^\d+$/.test(given)) throw new Error(`FAULTS_SEED="${given}" must be a whole number`);
    return Number(given);
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/** A number in [min, max). */
export const between = (random: Random, min: number, max: number): number => min + random() * (max - min);

/** One element, chosen by `random`. */
export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}
