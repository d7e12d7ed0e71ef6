/**
 * Append-only record storage of one shard: a chunked array with O(1) append, O(log n)
 * seek by sequence counter or arrival time (binary search over chunks, then inside
 * one), and trimming from the front by whole chunks (retention, memory cap), so the
 * cost of a call does not grow with the records a stream holds.
 *
 * Each chunk keeps its records' bytes in one off-heap buffer and their numbers in typed
 * arrays: millions of stored records are a few thousand heap objects, so garbage
 * collection (and with it call latency) stays flat as a stream grows.
 */

const CHUNK_SIZE = 1024;
const MIN_ARENA_BYTES = 64 * 1024;

export interface StoredRecord {
  counter: number;
  arrivalMs: number;
  partitionKey: string;
  dataBase64: string;
  /** Data bytes + partition key bytes, the unit of AWS's throughput limits. */
  size: number;
}

class Chunk {
  readonly counters = new Float64Array(CHUNK_SIZE);
  readonly arrivals = new Float64Array(CHUNK_SIZE);
  /** Byte offsets in the arena: key starts at keyStart, data at dataStart, record ends at the next keyStart. */
  readonly keyStarts = new Int32Array(CHUNK_SIZE + 1);
  readonly dataStarts = new Int32Array(CHUNK_SIZE);
  length = 0;
  arena: Buffer;

  constructor(arenaBytes: number) {
    this.arena = Buffer.allocUnsafe(arenaBytes);
  }

  get used(): number {
    return this.keyStarts[this.length] as number;
  }

  get full(): boolean {
    return this.length >= CHUNK_SIZE;
  }

  private reserve(bytes: number): void {
    const needed = this.used + bytes;
    if (needed <= this.arena.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.arena.length * 2));
    this.arena.copy(grown, 0, 0, this.used);
    this.arena = grown;
  }

  /** Returns the bytes the record occupies (key + decoded data). */
  append(counter: number, arrivalMs: number, partitionKey: string, dataBase64: string, sizeHint: number): number {
    // The hint (key + data bytes) bounds the decoded size, so one reservation suffices.
    this.reserve(sizeHint);
    const i = this.length;
    const keyStart = this.keyStarts[i] as number;
    const dataStart = keyStart + this.arena.write(partitionKey, keyStart, 'utf8');
    const end = dataStart + this.arena.write(dataBase64, dataStart, 'base64');
    this.counters[i] = counter;
    this.arrivals[i] = arrivalMs;
    this.dataStarts[i] = dataStart;
    this.keyStarts[i + 1] = end;
    this.length = i + 1;
    // A full chunk never grows again: give back the slack of the last doubling.
    if (this.full && this.arena.length > end) this.arena = Buffer.from(this.arena.subarray(0, end));
    return end - keyStart;
  }

  sizeAt(i: number): number {
    return (this.keyStarts[i + 1] as number) - (this.keyStarts[i] as number);
  }

  record(i: number): StoredRecord {
    const keyStart = this.keyStarts[i] as number;
    const dataStart = this.dataStarts[i] as number;
    const end = this.keyStarts[i + 1] as number;
    return {
      counter: this.counters[i] as number,
      arrivalMs: this.arrivals[i] as number,
      partitionKey: this.arena.toString('utf8', keyStart, dataStart),
      dataBase64: this.arena.toString('base64', dataStart, end),
      size: end - keyStart,
    };
  }

  /** Bytes of records from `from` to the end of the chunk. */
  bytesFrom(from: number): number {
    return this.used - (this.keyStarts[from] as number);
  }
}

/** First index in `[0, length)` whose value is ≥ target (values ascending). */
function lowerBound(length: number, valueAt: (i: number) => number, target: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (valueAt(mid) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Cursor {
  chunk: number;
  offset: number;
}

export class ShardLog {
  private chunks: Chunk[] = [];
  /** Records of the first chunk before this offset are trimmed. */
  private headOffset = 0;
  private storedBytes = 0;
  private storedCount = 0;

  get bytes(): number {
    return this.storedBytes;
  }

  get count(): number {
    return this.storedCount;
  }

  /** Returns the bytes the record occupies (partition key + decoded data). */
  append(counter: number, arrivalMs: number, partitionKey: string, dataBase64: string, sizeHint: number): number {
    let last = this.chunks[this.chunks.length - 1];
    if (last === undefined || last.full) {
      // Size the next arena like the last one (plus slack) so steady traffic rarely regrows it.
      last = new Chunk(Math.max(MIN_ARENA_BYTES, Math.ceil((last?.used ?? 0) * 1.05)));
      this.chunks.push(last);
    }
    const size = last.append(counter, arrivalMs, partitionKey, dataBase64, sizeHint);
    this.storedBytes += size;
    this.storedCount += 1;
    return size;
  }

  lastCounter(): number | null {
    const last = this.chunks[this.chunks.length - 1];
    return last === undefined || this.storedCount === 0 ? null : (last.counters[last.length - 1] as number);
  }

  lastArrivalMs(): number | null {
    const last = this.chunks[this.chunks.length - 1];
    return last === undefined || this.storedCount === 0 ? null : (last.arrivals[last.length - 1] as number);
  }

  /** Arrival of the oldest record still stored, or null when empty. */
  firstArrivalMs(): number | null {
    return this.storedCount === 0 ? null : (this.chunks[0]?.arrivals[this.headOffset] ?? null);
  }

  private firstValue(chunkIndex: number, field: 'counters' | 'arrivals'): number {
    const chunk = this.chunks[chunkIndex] as Chunk;
    return chunk[field][chunkIndex === 0 ? this.headOffset : 0] as number;
  }

  private seek(field: 'counters' | 'arrivals', target: number): Cursor {
    const n = this.chunks.length;
    // The answer lies in the last chunk starting at or before the target, or just after it.
    const firstAfter = lowerBound(n, (i) => (this.firstValue(i, field) <= target ? 0 : 1), 1);
    let chunkIndex = Math.max(0, firstAfter - 1);
    const chunk = this.chunks[chunkIndex];
    if (chunk === undefined) return { chunk: 0, offset: 0 };
    const values = chunk[field];
    const from = chunkIndex === 0 ? this.headOffset : 0;
    let offset = from + lowerBound(chunk.length - from, (i) => values[from + i] as number, target);
    if (offset >= chunk.length && chunkIndex < n - 1) {
      chunkIndex += 1;
      offset = 0;
    }
    return { chunk: chunkIndex, offset };
  }

  /** Counter of the first stored record with arrival ≥ `arrivalMs`, or null when none. */
  counterAtOrAfterTime(arrivalMs: number): number | null {
    if (this.storedCount === 0) return null;
    const cursor = this.seek('arrivals', arrivalMs);
    const chunk = this.chunks[cursor.chunk];
    return chunk === undefined || cursor.offset >= chunk.length ? null : (chunk.counters[cursor.offset] as number);
  }

  /** Records with counter ≥ `fromCounter`, at most `limit` of them and about `maxBytes` (at least one). */
  read(fromCounter: number, limit: number, maxBytes: number): StoredRecord[] {
    const out: StoredRecord[] = [];
    if (this.storedCount === 0 || limit <= 0) return out;
    let { chunk: c, offset: o } = this.seek('counters', fromCounter);
    let bytes = 0;
    while (out.length < limit) {
      const chunk = this.chunks[c];
      if (chunk === undefined) break;
      if (o >= chunk.length) {
        c += 1;
        o = 0;
        continue;
      }
      const size = chunk.sizeAt(o);
      if (out.length > 0 && bytes + size > maxBytes) break;
      out.push(chunk.record(o));
      bytes += size;
      o += 1;
    }
    return out;
  }

  /** Drops records that arrived before `cutoffMs`; returns the bytes freed. */
  trimBefore(cutoffMs: number): number {
    let freed = 0;
    while (this.storedCount > 0) {
      const first = this.chunks[0] as Chunk;
      if ((first.arrivals[first.length - 1] as number) < cutoffMs && first.full) {
        freed += this.dropFirstChunk();
        continue;
      }
      while (this.headOffset < first.length && (first.arrivals[this.headOffset] as number) < cutoffMs) {
        const size = first.sizeAt(this.headOffset);
        this.headOffset += 1;
        this.storedBytes -= size;
        this.storedCount -= 1;
        freed += size;
      }
      if (this.headOffset >= first.length && first.full) {
        this.chunks.shift();
        this.headOffset = 0;
        continue;
      }
      break;
    }
    return freed;
  }

  /** Drops the oldest chunk (memory cap); returns the bytes freed. */
  trimOldestChunk(): number {
    return this.storedCount === 0 ? 0 : this.dropFirstChunk();
  }

  private dropFirstChunk(): number {
    const first = this.chunks.shift() as Chunk;
    const bytes = first.bytesFrom(this.headOffset);
    this.storedBytes -= bytes;
    this.storedCount -= first.length - this.headOffset;
    this.headOffset = 0;
    return bytes;
  }
}
