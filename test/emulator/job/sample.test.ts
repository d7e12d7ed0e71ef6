import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TaxiJob } from '../../../emulator/job/taxiJob.js';
import { FakeStreams } from './fakeStreams.js';

const SAMPLE = new URL('../../../data/sample/trips-sample.jsonl.gz', import.meta.url);

describe('the taxi job on the project’s NYC sample', () => {
  it('accounts for every trip and finds its hot spots in Manhattan', () => {
    const lines = gunzipSync(readFileSync(SAMPLE)).toString('utf8').split('\n').filter((l) => l !== '').slice(0, 6000);
    const streams = new FakeStreams();
    streams.addShard('taxi', 'a');
    streams.addShard('taxi', 'b');
    lines.forEach((line, i) => streams.append('taxi', i % 2 === 0 ? 'a' : 'b', String(i % 2), line));
    const job = new TaxiJob(streams, 'taxi');
    job.step(10_000, 2, 0);
    const results = job.results();
    const c = results.counters;
    expect(c.recordsIn).toBe(lines.length);
    expect(c.malformed).toBe(0);
    const fired = results.pickupCount.reduce((sum, r) => sum + r.pickups, 0);
    const open = [...job.checkpoint().windows.pickups.values()].reduce((sum, cells) => sum + [...cells.values()].reduce((a, b) => a + b, 0), 0);
    expect(fired + open).toBe(c.recordsIn - c.outsideNewYork - c.late);
    expect(results.pickupCount.length).toBeGreaterThan(0);
    const hottest = [...results.pickupCount].sort((x, y) => y.pickups - x.pickups)[0];
    expect(hottest?.geohash.startsWith('dr5r')).toBe(true);
    for (const d of results.tripDuration) {
      expect(['JFK', 'LGA']).toContain(d.airport);
      expect(d.averageMinutes).toBeGreaterThan(0);
    }
  });
});
