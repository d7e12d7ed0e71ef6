import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SLOWEST_FIRST } from '../support/slow-first-sequencer.js';

describe('the slow-first test order', () => {
  it('names only test files that exist, each once (a renamed file would silently run last again)', () => {
    expect(SLOWEST_FIRST.filter((file) => !existsSync(file))).toEqual([]);
    expect(new Set(SLOWEST_FIRST).size).toBe(SLOWEST_FIRST.length);
  });
});
