// Geohash cells and the flat projection of the hot-spot map. At New York's latitude an
// equirectangular projection scaled by cos(latitude) keeps shapes true enough for a city.
const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/** The cell's bounds: { latMin, latMax, lonMin, lonMax }. */
export function geohashBounds(hash) {
  let lat = [-90, 90];
  let lon = [-180, 180];
  let evenBit = true;
  for (const ch of hash) {
    const value = BASE32.indexOf(ch);
    if (value < 0) throw new Error(`not a geohash: ${hash}`);
    for (let bit = 4; bit >= 0; bit--) {
      const on = (value >> bit) & 1;
      const range = evenBit ? lon : lat;
      const mid = (range[0] + range[1]) / 2;
      if (on) range[0] = mid;
      else range[1] = mid;
      evenBit = !evenBit;
    }
  }
  return { latMin: lat[0], latMax: lat[1], lonMin: lon[0], lonMax: lon[1] };
}

export function geohashCenter(hash) {
  const b = geohashBounds(hash);
  return { lat: (b.latMin + b.latMax) / 2, lon: (b.lonMin + b.lonMax) / 2 };
}

/** A projection fitting `bounds` into a width (height follows the aspect). */
export function projection(bounds, width) {
  const k = Math.cos(((bounds.latMin + bounds.latMax) / 2) * (Math.PI / 180));
  const scale = width / ((bounds.lonMax - bounds.lonMin) * k);
  return {
    width,
    height: Math.round((bounds.latMax - bounds.latMin) * scale),
    x: (lon) => (lon - bounds.lonMin) * k * scale,
    y: (lat) => (bounds.latMax - lat) * scale,
  };
}

/** Ray casting against a GeoJSON ring of [lon, lat]. */
function inRing(ring, lon, lat) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The outline feature (airport before borough) containing the point, or null. */
export function placeOf(outline, lon, lat) {
  const features = [...outline.features].sort((a, b) => (a.properties.kind === 'airport' ? -1 : 0) - (b.properties.kind === 'airport' ? -1 : 0));
  const hit = features.find((f) => inRing(f.geometry.coordinates[0], lon, lat));
  return hit ? hit.properties.name.replace(/ \(.*\)$/, '') : null;
}
