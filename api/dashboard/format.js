// Formatting helpers shared by the dashboard's pages. Every number shown carries its unit.
export const $ = (id) => document.getElementById(id);

export const fmt = (n, digits = 0) => (n === null || n === undefined || Number.isNaN(Number(n))
  ? '—'
  : Number(n).toLocaleString('en-US', { maximumFractionDigits: digits }));

export const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

export const timeOf = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

/** A duration in ms as the unit a person reads fastest: ms below a second, s below two minutes, then min. */
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(Number(ms))) return '—';
  if (ms < 1000) return `${fmt(ms)} ms`;
  if (ms < 120_000) return `${fmt(ms / 1000, 1)} s`;
  return `${fmt(ms / 60_000, 1)} min`;
}

/** "3 min ago" for recent moments, the local time otherwise. */
export function ago(iso) {
  if (!iso) return '—';
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 0) return timeOf(iso);
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  return timeOf(iso);
}

/** The latest period with a value of `field`, or null. */
export function latest(samples, field) {
  for (let i = samples.length - 1; i >= 0; i--) {
    const value = samples[i][field];
    if (value !== null && value !== undefined) return { sample: samples[i], value };
  }
  return null;
}

export function incomingPerSecond(samples) {
  const found = latest(samples, 'incomingRecords');
  return found ? found.value / found.sample.periodSeconds : null;
}

/** The scaling record worth showing as "last action": the newest one that changed or tried to change capacity. */
export function lastAction(history) {
  for (let i = history.length - 1; i >= 0; i--) {
    const r = history[i];
    if (r.kind === 'decision' && r.outcome === 'none') continue;
    if (r.kind === 'decision' && r.outcome !== 'ok') continue;
    return r;
  }
  return null;
}

export function capacityText(c) {
  return c ? `${c.shards} sh / p${c.parallelism}` : '—';
}

export function autoscalingText(status) {
  const auto = status.autoscaling || {};
  if (status.phase === 'DEGRADED') return `${auto.policy ?? '—'} · DEGRADED`;
  return `${auto.policy ?? '—'} · ${auto.paused ? 'paused' : 'on'}`;
}
