/** The hot-spot results the dashboard draws, and the links to a pipeline's workflows and CloudWatch dashboard. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_RESULTS_LOCATION, hoursOf, readHotspots } from '../../api/hotspots/results.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { startTestApi, type TestApi } from './support/app.js';

describe('hot-spot results grouped for the map', () => {
  it('groups the job\'s rows by hour window, oldest hour first, busiest cell and commonest airport trip first', () => {
    const w = (h: number) => ({ windowStart: `2015-01-01T0${h}:00:00.000Z`, windowEnd: `2015-01-01T0${h + 1}:00:00.000Z` });
    const hours = hoursOf({
      pickupCount: [
        { geohash: 'dr5ru7a', pickups: 3, ...w(2) },
        { geohash: 'dr5ru7b', pickups: 9, ...w(2) },
        { geohash: 'dr5rsqz', pickups: 4, ...w(1) },
      ],
      tripDuration: [
        { geohash: 'dr5ru7', airport: 'JFK', trips: 2, averageMinutes: 41.26, ...w(2) },
        { geohash: 'dr5rsq', airport: 'LGA', trips: 5, averageMinutes: 22.04, ...w(2) },
      ],
    });
    expect(hours.map((h) => h.windowStart)).toEqual(['2015-01-01T01:00:00.000Z', '2015-01-01T02:00:00.000Z']);
    expect(hours[1]).toMatchObject({
      totalPickups: 12,
      cells: [{ geohash: 'dr5ru7b', pickups: 9 }, { geohash: 'dr5ru7a', pickups: 3 }],
      airportTrips: [{ geohash: 'dr5rsq', airport: 'LGA', trips: 5, averageMinutes: 22 }, { geohash: 'dr5ru7', airport: 'JFK', averageMinutes: 41.3 }],
    });
    expect(hours[0]?.airportTrips).toEqual([]);
  });
});

describe('where the results come from', () => {
  let emulator: TestEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(async () => emulator?.stop());

  it('against real AWS says where the results live instead of reading anything', async () => {
    const result = await readHotspots('p1', 'p1-hotspots', { flinkEndpoint: undefined, timeoutMs: 1000 });
    expect(result).toMatchObject({ source: 'aws', available: false, hours: [], message: AWS_RESULTS_LOCATION });
    expect(result.message).toContain('pickup_count');
  });

  it('in the emulator, says so when the application does not exist (yet)', async () => {
    const result = await readHotspots('p1', 'nowhere-hotspots', { flinkEndpoint: emulator.url, timeoutMs: 2000 });
    expect(result).toMatchObject({ source: 'emulator', available: false, hours: [] });
    expect(result.message).toBe('The emulator has no application nowhere-hotspots (not created yet, or deleted).');
  });

  it('says the emulator did not answer when nothing listens at the endpoint', async () => {
    const result = await readHotspots('p1', 'x', { flinkEndpoint: 'http://127.0.0.1:9', timeoutMs: 1000 });
    expect(result).toMatchObject({ available: false, message: 'The emulator at http://127.0.0.1:9 did not answer.' });
  });
});

describe('GET /pipelines/:id/links', () => {
  let local: TestApi;
  let aws: TestApi;
  beforeAll(async () => {
    local = await startTestApi({ env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', TEMPORAL_UI_URL: 'http://ui.example:8233' } });
    aws = await startTestApi({ env: { AWS_REGION: 'eu-west-1' } });
  });
  afterAll(async () => {
    await local?.close();
    await aws?.close();
  });

  it('links the pipeline, replay and calibration workflows in the Temporal UI', async () => {
    const response = await local.app.inject({ method: 'GET', url: '/pipelines/nyc/links' });
    expect(response.statusCode).toBe(200);
    const ns = encodeURIComponent(local.config.temporal.namespace);
    expect(response.json()).toEqual({
      id: 'nyc',
      temporalUi: {
        pipeline: `http://ui.example:8233/namespaces/${ns}/workflows/pipeline-nyc`,
        replay: `http://ui.example:8233/namespaces/${ns}/workflows/replay-nyc`,
        calibration: `http://ui.example:8233/namespaces/${ns}/workflows/calibration-nyc`,
      },
      cloudwatchDashboard: null,
      dashboardName: 'shardpilot-nyc',
    });
  });

  it('links the CloudWatch console\'s dashboard in the configured region against real AWS', async () => {
    const response = await aws.app.inject({ method: 'GET', url: '/pipelines/nyc/links' });
    expect(response.json().cloudwatchDashboard)
      .toBe('https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/shardpilot-nyc');
  });
});
