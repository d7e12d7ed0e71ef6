/**
 * Append-only record storage of one shard: a chunked array with O(1) append, O(log n)
 * seek by sequence counter or arrival time (binary search over chunks, then inside
 * one), and trimming from the front by whole chunks (retention, memory cap), so the
 * cost of a call does not grow with the records a stream holds.
 */

const CHUNK_SIZE = 1024;

/** Data is kept base64-encoded, as it arrives and leaves on the wire. */
export interface StoredRecord {
  counter: number;
  arrivalMs: number;
  partitionKey: string;
  dataBase64: string;
  /** Data bytes + partition key bytes, the unit of AWS's throughput limits. */
  size: number;
}

interface Chunk {
  counters: number[];
  arrivals: number[];
  keys: string[];
  data: string[];
  sizes: number[];
  bytes: number;
}

function newChunk(): Chunk {
  return { counters: [], arrivals: [], keys: [], data: [], sizes: [], bytes: 0 };
}

/** First index in `[lo, hi)` whose value is ≥ target (values ascending). */
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

/** A position in the log: chunk index and offset inside it. */
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

  append(counter: number, arrivalMs: number, partitionKey: string, dataBase64: string, size: number): void {
    let last = this.chunks[this.chunks.length - 1];
    if (last === undefined || last.counters.length >= CHUNK_SIZE) {
      last = newChunk();
      this.chunks.push(last);
    }
    last.counters.push(counter);
    last.arrivals.push(arrivalMs);
    last.keys.push(partitionKey);
    last.data.push(dataBase64);
    last.sizes.push(size);
    last.bytes += size;
    this.storedBytes += size;
    this.storedCount += 1;
  }

  /** Counter of the newest record, or null when empty. */
  lastCounter(): number | null {
    const last = this.chunks[this.chunks.length - 1];
    return last === undefined || this.storedCount === 0 ? null : (last.counters[last.counters.length - 1] ?? null);
  }

  lastArrivalMs(): number | null {
    const last = this.chunks[this.chunks.length - 1];
    return last === undefined || this.storedCount === 0 ? null : (last.arrivals[last.arrivals.length - 1] ?? null);
  }

  /** Arrival of the oldest record still stored, or null when empty. */
  firstArrivalMs(): number | null {
    return this.storedCount === 0 ? null : (this.chunks[0]?.arrivals[this.headOffset] ?? null);
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
    let offset = from + lowerBound(values.length - from, (i) => values[from + i] as number, target);
    if (offset >= values.length && chunkIndex < n - 1) {
      chunkIndex += 1;
      offset = 0;
    }
    return { chunk: chunkIndex, offset };
  }

  private firstValue(chunkIndex: number, field: 'counters' | 'arrivals'): number {
    const chunk = this.chunks[chunkIndex] as Chunk;
    return chunk[field][chunkIndex === 0 ? this.headOffset : 0] as number;
  }

  /** Counter of the first stored record with arrival ≥ `arrivalMs`, or null when none. */
  counterAtOrAfterTime(arrivalMs: number): number | null {
    if (this.storedCount === 0) return null;
    const cursor = this.seek('arrivals', arrivalMs);
    return this.chunks[cursor.chunk]?.counters[cursor.offset] ?? null;
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
      if (o >= chunk.counters.length) {
        c += 1;
        o = 0;
        continue;
      }
      const size = chunk.sizes[o] as number;
      if (out.length > 0 && bytes + size > maxBytes) break;
      out.push({
        counter: chunk.counters[o] as number,
        arrivalMs: chunk.arrivals[o] as number,
        partitionKey: chunk.keys[o] as string,
        dataBase64: chunk.data[o] as string,
        size,
      });
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
      const lastArrival = first.arrivals[first.arrivals.length - 1] as number;
      if (lastArrival < cutoffMs && first.counters.length === CHUNK_SIZE) {
        freed += this.dropFirstChunk();
        continue;
      }
      while (this.headOffset < first.counters.length && (first.arrivals[this.headOffset] as number) < cutoffMs) {
        freed += this.dropHeadRecord(first);
      }
      if (this.headOffset >= first.counters.length && first.counters.length > 0) {
        this.chunks.shift();
        this.headOffset = 0;
        if (this.chunks.length === 0) this.chunks.push(newChunk());
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

  private dropHeadRecord(first: Chunk): number {
    const size = first.sizes[this.headOffset] as number;
    // Release the payload now; the slot itself goes with the chunk.
    first.data[this.headOffset] = '';
    first.bytes -= size;
    this.headOffset += 1;
    this.storedBytes -= size;
    this.storedCount -= 1;
    return size;
  }

  private dropFirstChunk(): number {
    const first = this.chunks.shift() as Chunk;
    const remaining = first.counters.length - this.headOffset;
    this.headOffset = 0;
    this.storedBytes -= first.bytes;
    this.storedCount -= remaining;
    if (this.chunks.length === 0) this.chunks.push(newChunk());
    return first.bytes;
  }
}
