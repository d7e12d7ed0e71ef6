/**
 * The 128-bit hash key space: uniform splits with BigInt, MD5 routing of partition
 * keys, and conversion between AWS's decimal strings and fixed-width hex (which orders
 * like the numbers, so the hot path compares strings).
 */
import { hash } from 'node:crypto';

export const HASH_SPACE = 2n ** 128n;
export const MAX_HASH_KEY = HASH_SPACE - 1n;

export function toHex(key: bigint): string {
  return key.toString(16).padStart(32, '0');
}

export function hexToDecimal(hex: string): string {
  return BigInt(`0x${hex}`).toString(10);
}

/** `[start, end]` of each of `n` shards: steps of `floor(2^128 / n)`, the last ending at `2^128 − 1`. */
export function uniformRanges(n: number): Array<[bigint, bigint]> {
  const step = HASH_SPACE / BigInt(n);
  return Array.from({ length: n }, (_, i) => {
    const start = step * BigInt(i);
    const end = i === n - 1 ? MAX_HASH_KEY : step * BigInt(i + 1) - 1n;
    return [start, end];
  });
}

export function partitionKeyHex(partitionKey: string): string {
  // One-shot hashing: no Hash object per record on the ingest path.
  return hash('md5', partitionKey, 'hex');
}

/** `ExplicitHashKey` (decimal) as hex, or null when outside the hash key space. */
export function explicitHashKeyHex(decimal: string): string | null {
  const key = BigInt(decimal);
  return key > MAX_HASH_KEY ? null : toHex(key);
}
