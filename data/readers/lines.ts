/**
 * Streams a text file line by line with the byte offset after each line, so a reader
 * can resume exactly where an earlier one stopped. Offsets count uncompressed bytes:
 * a plain file is reopened at the offset; a gzip file cannot be seeked, so it is
 * decompressed from the start and the first `byteOffset` bytes are skipped.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

/** Where a reader stands: lines consumed so far and the uncompressed bytes they took. */
export interface SourcePosition {
  line: number;
  byteOffset: number;
}

export const START_OF_FILE: SourcePosition = { line: 0, byteOffset: 0 };

export interface TextLine {
  /** 1-based line number in the file. */
  line: number;
  text: string;
  /** Position just after this line (and its newline). */
  end: SourcePosition;
}

export function isGzip(file: string): boolean {
  return file.endsWith('.gz');
}

function openBytes(file: string, byteOffset: number): Readable {
  if (isGzip(file)) return createReadStream(file).pipe(createGunzip());
  return createReadStream(file, { start: byteOffset });
}

const NEWLINE = 0x0a;

export async function* readLines(file: string, from: SourcePosition = START_OF_FILE): AsyncGenerator<TextLine> {
  const input = openBytes(file, from.byteOffset);
  let toSkip = isGzip(file) ? from.byteOffset : 0;
  let offset = from.byteOffset;
  let line = from.line;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  try {
    for await (const raw of input as AsyncIterable<Buffer>) {
      let chunk = raw;
      if (toSkip > 0) {
        if (chunk.length <= toSkip) {
          toSkip -= chunk.length;
          continue;
        }
        chunk = chunk.subarray(toSkip);
        toSkip = 0;
      }
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
        const piece = chunk.subarray(start, nl);
        const bytes = carryBytes + piece.length + 1;
        const text = (carry.length > 0 ? Buffer.concat([...carry, piece]) : piece).toString('utf8');
        carry = [];
        carryBytes = 0;
        offset += bytes;
        line += 1;
        yield { line, text: stripCr(text), end: { line, byteOffset: offset } };
        start = nl + 1;
      }
      if (start < chunk.length) {
        carry.push(chunk.subarray(start));
        carryBytes += chunk.length - start;
      }
    }
    if (carryBytes > 0) {
      offset += carryBytes;
      line += 1;
      yield { line, text: stripCr(Buffer.concat(carry).toString('utf8')), end: { line, byteOffset: offset } };
    }
  } finally {
    input.destroy();
  }
}

function stripCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
