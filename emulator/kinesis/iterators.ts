/**
 * Shard iterators: opaque to clients, but carrying everything GetRecords needs (stream
 * incarnation, shard, next sequence counter, issue time) so no server-side iterator
 * table grows with the number of readers.
 */

export interface IteratorState {
  streamName: string;
  incarnation: number;
  shardIndex: number;
  /** Counter of the next record to return (records with counter ≥ this). */
  position: number;
  issuedMs: number;
}

const VERSION = 'AAAAA1';

export function encodeIterator(state: IteratorState): string {
  const raw = [state.incarnation, state.shardIndex, state.position, state.issuedMs, state.streamName].join('|');
  return VERSION + Buffer.from(raw, 'utf8').toString('base64');
}

/** Null when the text is not an iterator this emulator issued. */
export function decodeIterator(text: string): IteratorState | null {
  if (!text.startsWith(VERSION)) return null;
  const raw = Buffer.from(text.slice(VERSION.length), 'base64').toString('utf8');
  const parts = raw.split('|');
  if (parts.length < 5) return null;
  const [incarnation, shardIndex, position, issuedMs] = parts.slice(0, 4).map(Number) as [number, number, number, number];
  const streamName = parts.slice(4).join('|');
  if (![incarnation, shardIndex, position, issuedMs].every(Number.isSafeInteger) || streamName === '') return null;
  return { streamName, incarnation, shardIndex, position, issuedMs };
}
