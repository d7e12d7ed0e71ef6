/**
 * Sequence numbers: 56-digit decimal strings built from the stream's counter and the
 * shard index, so they increase per shard (and across a shard's lineage) and a number
 * used on the wrong shard is recognised, as AWS does.
 */

const COUNTER_DIGITS = 49;
const SHARD_DIGITS = 6;

export function formatSequenceNumber(counter: number, shardIndex: number): string {
  return `4${String(counter).padStart(COUNTER_DIGITS, '0')}${String(shardIndex).padStart(SHARD_DIGITS, '0')}`;
}

export interface ParsedSequenceNumber {
  counter: number;
  shardIndex: number;
}

/** Null when the number was not issued by this emulator's scheme. */
export function parseSequenceNumber(text: string): ParsedSequenceNumber | null {
  if (text.length !== 1 + COUNTER_DIGITS + SHARD_DIGITS || text[0] !== '4' || !/^\d+$/.test(text)) return null;
  const counter = Number(text.slice(1, 1 + COUNTER_DIGITS));
  if (!Number.isSafeInteger(counter)) return null;
  return { counter, shardIndex: Number(text.slice(1 + COUNTER_DIGITS)) };
}
