import { describe, expect, it } from 'vitest';
import { TaxiJob } from '../../../emulator/job/taxiJob.js';
import { KinesisSource, emptyPosition } from '../../../emulator/job/source.js';
import { FakeStreams, nycTrip } from './fakeStreams.js';

describe('KinesisSource', () => {
  it('finishes a closed parent before reading its children, keeping each partition key in order', () => {
    const streams = new FakeStreams();
    streams.addShard('s', 'parent');
    streams.append('s', 'parent', 'k', 'p1');
    streams.append('s', 'parent', 'k', 'p2');
    streams.close('s', 'parent');
    streams.addShard('s', 'child-a', ['parent', null]);
    streams.addShard('s', 'child-b', ['parent', null]);
    streams.append('s', 'child-a', 'k', 'a1');
    streams.append('s', 'child-b', 'j', 'b1');
    const source = new KinesisSource(streams, 's');
    const position = emptyPosition();
    expect(source.readable(position).map((s) => s.shardId)).toEqual(['parent']);
    const first = source.read(position, 1, 0);
    expect(first.records.map((r) => r.data.toString())).toEqual(['p1']);
    const rest = source.read(position, 10, 0);
    expect(rest.records.map((r) => r.data.toString())).toEqual(['p2', 'a1', 'b1']);
    expect([...position.finished]).toEqual(['parent']);
  });

  it('reports the age of the oldest unread record as its lag, 0 when caught up', () => {
    const streams = new FakeStreams();
    streams.addShard('s', 'one');
    streams.append('s', 'one', 'k', 'x', 1000);
    streams.append('s', 'one', 'k', 'y', 4000);
    const source = new KinesisSource(streams, 's');
    const position = emptyPosition();
    expect(source.read(position, 1, 10_000).lagMs).toBe(6000);
    expect(source.read(position, 5, 10_000).lagMs).toBe(0);
  });
});

describe('TaxiJob capacity and checkpoints', () => {
  function streamWithTrips(shards: number, perShard: number): FakeStreams {
    const streams = new FakeStreams();
    let id = 0;
    for (let s = 0; s < shards; s++) {
      streams.addShard('taxi', `shard-${s}`);
      for (let i = 0; i < perShard; i++) streams.append('taxi', `shard-${s}`, `cab-${s}`, nycTrip(id++, i % 50));
    }
    return streams;
  }

  it('keeps source subtasks beyond the shard count idle', () => {
    const job = new TaxiJob(streamWithTrips(3, 500), 'taxi');
    expect(job.step(100, 1, 0)).toMatchObject({ processed: 100, busySubtasks: 1 });
    expect(job.step(100, 8, 0)).toMatchObject({ processed: 300, busySubtasks: 3 });
  });

  it('counts malformed records without failing', () => {
    const streams = new FakeStreams();
    streams.addShard('taxi', 'one');
    streams.append('taxi', 'one', 'k', 'not json');
    streams.append('taxi', 'one', 'k', { trip_id: 'x' });
    streams.append('taxi', 'one', 'k', nycTrip(1, 1));
    const job = new TaxiJob(streams, 'taxi');
    job.step(10, 1, 0);
    expect(job.results().counters).toMatchObject({ recordsIn: 3, malformed: 2 });
  });

  it('restores position and windows together, so work after a checkpoint is redone exactly once', () => {
    const streams = streamWithTrips(2, 300);
    const straight = new TaxiJob(streams, 'taxi');
    straight.step(1000, 2, 0);
    const restarted = new TaxiJob(streams, 'taxi');
    restarted.step(100, 2, 0);
    const checkpoint = restarted.checkpoint();
    restarted.step(150, 2, 0);
    restarted.restore(checkpoint);
    expect(restarted.results().counters.recordsIn).toBe(200);
    restarted.step(1000, 2, 0);
    expect(restarted.results().counters).toEqual(straight.results().counters);
    expect(restarted.checkpoint().windows.pickups).toEqual(straight.checkpoint().windows.pickups);
  });
});
