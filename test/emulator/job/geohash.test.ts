import { describe, expect, it } from 'vitest';
import { encodeGeohash } from '../../../emulator/job/geohash.js';

describe('encodeGeohash', () => {
  it('matches the published reference hashes', () => {
    // Reference points from the geohash literature (Niemeyer's examples).
    expect(encodeGeohash(57.64911, 10.40744, 11)).toBe('u4pruydqqvj');
    expect(encodeGeohash(42.6, -5.6, 5)).toBe('ezs42');
  });

  it('gives nested cells: a precision-6 cell is the prefix of the precision-7 cell', () => {
    const seven = encodeGeohash(40.758, -73.9855, 7);
    expect(seven).toHaveLength(7);
    expect(encodeGeohash(40.758, -73.9855, 6)).toBe(seven.slice(0, 6));
    expect(seven.startsWith('dr5r')).toBe(true);
  });

  it('separates points about 200 m apart at precision 7', () => {
    expect(encodeGeohash(40.758, -73.9855, 7)).not.toBe(encodeGeohash(40.7598, -73.9855, 7));
  });
});
