/** Schemas of the hot-spot results (the Flink job's two aggregations, grouped by hour). */
import { Type, type Static } from 'typebox';

const HotspotCell = Type.Object({
  geohash: Type.String({ description: 'Geohash-7 cell (about 150 m × 150 m).' }),
  pickups: Type.Integer({ description: 'Pickups in the cell during the hour.' }),
});

const AirportTrips = Type.Object({
  geohash: Type.String({ description: 'Geohash-6 pickup area (about 1.2 km × 0.6 km).' }),
  airport: Type.String({ description: 'JFK or LGA.' }),
  trips: Type.Integer(),
  averageMinutes: Type.Number({ description: 'Average trip duration, minutes.' }),
});

export const HotspotHour = Type.Object({
  windowStart: Type.String(),
  windowEnd: Type.String(),
  totalPickups: Type.Integer(),
  cells: Type.Array(HotspotCell, { description: 'Busiest first.' }),
  airportTrips: Type.Array(AirportTrips, { description: 'Most trips first.' }),
});
export type HotspotHour = Static<typeof HotspotHour>;

export const HotspotsResponse = Type.Object({
  id: Type.String(),
  applicationName: Type.String(),
  source: Type.Union([Type.Literal('emulator'), Type.Literal('aws')], { description: 'Where the results come from.' }),
  available: Type.Boolean({ description: 'false until the job has closed an hour window, or when the results live elsewhere.' }),
  message: Type.String({ description: 'Where the results live, or why there are none yet.' }),
  watermark: Type.Union([Type.String(), Type.Null()]),
  hours: Type.Array(HotspotHour),
});
export type HotspotsResponse = Static<typeof HotspotsResponse>;

export const WorkflowLinksResponse = Type.Object({
  id: Type.String(),
  temporalUi: Type.Object({
    pipeline: Type.String(),
    replay: Type.String(),
    calibration: Type.String(),
  }, { description: 'The pipeline\'s workflows in the Temporal Web UI.' }),
  cloudwatchDashboard: Type.Union([Type.String(), Type.Null()], {
    description: 'The pipeline\'s CloudWatch dashboard in the AWS console; null against the emulator (it stores the dashboard, ListDashboards shows it).',
  }),
  dashboardName: Type.String(),
});
export type WorkflowLinksResponse = Static<typeof WorkflowLinksResponse>;
