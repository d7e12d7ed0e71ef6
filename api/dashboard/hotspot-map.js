// The hot-spot map: pickups per geohash-7 cell for one hour of event time, drawn over
// the shipped outline of the boroughs and airports (no map tiles), the busiest cells
// listed, and average trip minutes to JFK/LaGuardia per geohash-6 pickup area.
import { $, esc, fmt } from './format.js';
import { geohashBounds, geohashCenter, placeOf, projection } from './geo.js';

const CITY = { latMin: 40.49, latMax: 40.92, lonMin: -74.26, lonMax: -73.69 };
const MAP_WIDTH = 900;
const TOP_CELLS = 10;

const ui = { hourIndex: null, followLatest: true, view: 'data', data: null, outline: null };

async function loadOutline() {
  if (!ui.outline) ui.outline = await fetch('/dashboard/assets/nyc-outline.json').then((r) => r.json());
  return ui.outline;
}

/** Event-time hour as the data has it (the taxi timestamps are New York local time written as UTC). */
function hourLabel(hour) {
  const start = hour.windowStart.slice(0, 16).replace('T', ' ');
  return `${start}–${hour.windowEnd.slice(11, 16)} (event time)`;
}

/** Light yellow → red → dark red on a log scale, so one very hot cell does not wash out the rest. */
function heat(count, max) {
  const f = Math.log1p(count) / Math.log1p(Math.max(max, 1));
  const stops = [[255, 237, 160], [240, 59, 32], [127, 0, 0]];
  const [a, b, g] = f < 0.5 ? [stops[0], stops[1], f * 2] : [stops[1], stops[2], (f - 0.5) * 2];
  return `rgb(${a.map((v, i) => Math.round(v + (b[i] - v) * g)).join(',')})`;
}

function viewBounds(hours) {
  if (ui.view === 'city' || hours.length === 0) return CITY;
  const b = { latMin: 90, latMax: -90, lonMin: 180, lonMax: -180 };
  for (const hour of hours) {
    for (const cell of hour.cells) {
      const c = geohashBounds(cell.geohash);
      b.latMin = Math.min(b.latMin, c.latMin); b.latMax = Math.max(b.latMax, c.latMax);
      b.lonMin = Math.min(b.lonMin, c.lonMin); b.lonMax = Math.max(b.lonMax, c.lonMax);
    }
  }
  const padLat = (b.latMax - b.latMin) * 0.08 + 0.005;
  const padLon = (b.lonMax - b.lonMin) * 0.08 + 0.005;
  return { latMin: b.latMin - padLat, latMax: b.latMax + padLat, lonMin: b.lonMin - padLon, lonMax: b.lonMax + padLon };
}

function outlineSvg(outline, p) {
  return outline.features.map((f) => {
    const d = `M${f.geometry.coordinates[0].map(([lon, lat]) => `${p.x(lon).toFixed(1)},${p.y(lat).toFixed(1)}`).join('L')}Z`;
    const airport = f.properties.kind === 'airport';
    const [lon, lat] = f.geometry.coordinates[0].reduce(([sx, sy], [x, y], _i, all) => [sx + x / all.length, sy + y / all.length], [0, 0]);
    return `<path d="${d}" fill="${airport ? '#dfe7f5' : '#f4f5f7'}" stroke="${airport ? '#5b7bb5' : '#9aa1b2'}" stroke-width="${airport ? 1.5 : 1}"/>`
      + `<text x="${p.x(lon).toFixed(1)}" y="${p.y(lat).toFixed(1)}" text-anchor="middle" font-size="${airport ? 12 : 14}" fill="#6b7385">${esc(f.properties.name.replace(/ \(.*\)$/, ''))}</text>`;
  }).join('');
}

function mapSvg(hour, hours, outline) {
  const p = projection(viewBounds(hours), MAP_WIDTH);
  const max = hour.cells.length ? hour.cells[0].pickups : 1;
  const cells = hour.cells.map((cell) => {
    const b = geohashBounds(cell.geohash);
    const w = Math.max(1.5, p.x(b.lonMax) - p.x(b.lonMin));
    const h = Math.max(1.5, p.y(b.latMin) - p.y(b.latMax));
    return `<rect class="cell" data-geohash="${cell.geohash}" data-count="${cell.pickups}" x="${p.x(b.lonMin).toFixed(1)}" y="${p.y(b.latMax).toFixed(1)}" `
      + `width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${heat(cell.pickups, max)}"><title>${cell.geohash}: ${fmt(cell.pickups)} pickups</title></rect>`;
  }).join('');
  // A 1 km bar: the scale is otherwise unknowable without tiles.
  const kmLon = 1 / (111.32 * Math.cos((40.7 * Math.PI) / 180));
  const bar = p.x(CITY.lonMin + kmLon) - p.x(CITY.lonMin);
  return `<svg id="hotspot-svg" viewBox="0 0 ${p.width} ${p.height}" role="img" aria-label="Pickups per geohash-7 cell, ${esc(hourLabel(hour))}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">`
    + `<rect width="${p.width}" height="${p.height}" fill="#e8eef6"/>${outlineSvg(outline, p)}<g>${cells}</g>`
    + `<g transform="translate(12 ${p.height - 14})"><rect width="${bar.toFixed(1)}" height="4" fill="#1d2433"/><text y="-4" font-size="12" fill="#1d2433">1 km</text></g>`
    + '</svg>';
}

function legend(max) {
  const steps = [1, Math.round(Math.sqrt(max)), max].filter((v, i, a) => v >= 1 && a.indexOf(v) === i);
  return `<span>pickups per cell per hour:</span>${steps.map((v) => `<span class="swatch" style="background:${heat(v, max)}"></span>${fmt(v)}`).join(' ')}`;
}

function topCells(hour, outline) {
  return hour.cells.slice(0, TOP_CELLS).map((cell) => {
    const c = geohashCenter(cell.geohash);
    const place = placeOf(outline, c.lon, c.lat) ?? '—';
    return `<tr data-geohash="${cell.geohash}" data-count="${cell.pickups}"><td><code>${cell.geohash}</code></td><td>${esc(place)}</td>`
      + `<td class="num">${c.lat.toFixed(4)}, ${c.lon.toFixed(4)}</td><td class="num">${fmt(cell.pickups)}</td></tr>`;
  }).join('');
}

function airportRows(hour, outline) {
  if (hour.airportTrips.length === 0) return '<tr><td colspan="5" class="muted">No trip to JFK or LaGuardia ended in this hour.</td></tr>';
  return hour.airportTrips.slice(0, 15).map((row) => {
    const c = geohashCenter(row.geohash);
    return `<tr data-geohash="${row.geohash}" data-airport="${esc(row.airport)}"><td><code>${row.geohash}</code></td><td>${esc(placeOf(outline, c.lon, c.lat) ?? '—')}</td>`
      + `<td>${esc(row.airport)}</td><td class="num">${fmt(row.trips)}</td><td class="num">${fmt(row.averageMinutes, 1)} min</td></tr>`;
  }).join('');
}

function drawHour() {
  const { data, outline } = ui;
  const hours = data.hours;
  const hour = hours[ui.hourIndex];
  $('hour-label').textContent = `${hourLabel(hour)} · ${fmt(hour.totalPickups)} pickups in ${fmt(hour.cells.length)} cells`;
  $('hour-slider').setAttribute('aria-valuetext', hourLabel(hour));
  $('hotspot-map').innerHTML = mapSvg(hour, hours, outline);
  $('hotspot-legend').innerHTML = legend(hour.cells.length ? hour.cells[0].pickups : 1);
  $('hotspot-top').innerHTML = topCells(hour, outline);
  $('airport-trips').innerHTML = airportRows(hour, outline);
}

export async function renderHotspots(data) {
  ui.data = data;
  $('hotspot-message').textContent = data.message;
  $('hotspot-body').hidden = !data.available;
  if (!data.available) return;
  await loadOutline();
  const last = data.hours.length - 1;
  if (ui.followLatest || ui.hourIndex === null || ui.hourIndex > last) ui.hourIndex = last;
  const slider = $('hour-slider');
  slider.max = String(last);
  slider.value = String(ui.hourIndex);
  drawHour();
}

export function wireHotspotControls() {
  $('hour-slider').addEventListener('input', (e) => {
    ui.hourIndex = Number(e.target.value);
    ui.followLatest = ui.hourIndex === ui.data.hours.length - 1;
    drawHour();
  });
  $('map-view').addEventListener('change', (e) => {
    ui.view = e.target.value;
    if (ui.data?.available) drawHour();
  });
}
