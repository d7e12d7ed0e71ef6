/* global document, location, sessionStorage, fetch, confirm, setTimeout */
// The shardpilot dashboard: plain browser JavaScript, no build step. It polls the API's
// JSON and draws inline SVG; every number on the page comes from the API.
const POLL_MS = 4000;
const RECORDS_PER_SHARD = 1000;
const DEFAULT_RECORDS_PER_PARALLELISM = 4400;
const TOKEN_KEY = 'shardpilot.token';

const $ = (id) => document.getElementById(id);
const pipelineId = (location.pathname.match(/^\/dashboard\/([a-z0-9-]+)\/?$/) || [])[1];
const fmt = (n, digits = 0) => (n === null || n === undefined || Number.isNaN(n) ? '—' : Number(n).toLocaleString('en-US', { maximumFractionDigits: digits }));
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const timeOf = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || `HTTP ${status}`);
    this.status = status;
  }
}

async function api(path, options = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const headers = { accept: 'application/json', ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, { method: options.method || 'GET', headers, body: options.body !== undefined ? JSON.stringify(options.body) : undefined });
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (response.status === 401) $('token-form').hidden = false;
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

function showError(err) {
  const box = $('error');
  box.hidden = !err;
  box.textContent = err ? `${err.message}` : '';
}

// --- charts --------------------------------------------------------------------

const W = 1000;
const H = 240;
const M = { top: 26, right: 16, bottom: 26, left: 64 };

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((c) => c >= v);
}

/** series: [{ name, color, points: [[epochSeconds, value|null]], step?: boolean, dashed?: boolean }] */
function lineChart(series, { unit = '' } = {}) {
  const all = series.flatMap((s) => s.points).filter(([, v]) => v !== null && v !== undefined);
  if (all.length === 0) return '<p class="muted">No data yet.</p>';
  const ts = series.flatMap((s) => s.points.map(([t]) => t));
  const t0 = Math.min(...ts);
  const t1 = Math.max(...ts, t0 + 60);
  // A flat zero series still gets a readable axis.
  const yMax = niceMax(Math.max(1, ...all.map(([, v]) => v)) * 1.1);
  const x = (t) => M.left + ((t - t0) / (t1 - t0)) * (W - M.left - M.right);
  const y = (v) => H - M.bottom - (v / yMax) * (H - M.top - M.bottom);
  let svg = `<svg viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg" font-size="11" font-family="system-ui, sans-serif">`;
  for (let i = 0; i <= 4; i++) {
    const v = (yMax / 4) * i;
    svg += `<line x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e3e6ee"/>`;
    svg += `<text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end" fill="#6b7385">${fmt(v, yMax < 10 ? 2 : 0)}${esc(unit)}</text>`;
  }
  for (let i = 0; i <= 5; i++) {
    const t = t0 + ((t1 - t0) / 5) * i;
    const label = new Date(t * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    svg += `<text x="${x(t)}" y="${H - 8}" text-anchor="middle" fill="#6b7385">${label}</text>`;
  }
  let legendX = M.left;
  for (const s of series) {
    svg += `<path d="${pathOf(s, x, y, t1)}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`;
    svg += `<rect x="${legendX}" y="8" width="12" height="3" fill="${s.color}"/><text x="${legendX + 16}" y="13" fill="#1d2433">${esc(s.name)}</text>`;
    legendX += 30 + s.name.length * 6.2;
  }
  return `${svg}</svg>`;
}

function pathOf(s, x, y, tEnd) {
  let d = '';
  let open = false;
  const pts = s.points;
  pts.forEach(([t, v], i) => {
    if (v === null || v === undefined) { open = false; return; }
    if (!open) { d += `M${x(t).toFixed(1)},${y(v).toFixed(1)}`; open = true; }
    else d += s.step ? `H${x(t).toFixed(1)}V${y(v).toFixed(1)}` : `L${x(t).toFixed(1)},${y(v).toFixed(1)}`;
    if (s.step && i === pts.length - 1) d += `H${x(tEnd).toFixed(1)}`;
  });
  return d;
}

/** Capacity over time, rebuilt from the scaling history's applied changes; flat at the current value when none. */
function capacitySteps(history, current, tStart) {
  const applied = history
    .filter((r) => r.after && r.outcome === 'ok' && ['action', 'override', 'rollback', 'verification'].includes(r.kind))
    .map((r) => ({ t: Date.parse(r.at) / 1000, ...r.after }));
  const first = history.find((r) => r.before);
  const initial = first ? first.before : current;
  const steps = [{ t: tStart, shards: initial.shards, parallelism: initial.parallelism }, ...applied.filter((a) => a.t > tStart)];
  return steps;
}

// --- list view -------------------------------------------------------------------

async function renderList() {
  const phase = $('phase-filter').value;
  const page = await api(`/pipelines?pageSize=100${phase ? `&phase=${phase}` : ''}`);
  $('pipelines').innerHTML = page.pipelines.length === 0
    ? '<tr><td colspan="6" class="muted">No pipelines yet. Create one with POST /pipelines.</td></tr>'
    : page.pipelines.map((p) => `<tr>
        <td><a href="/dashboard/${esc(p.id)}">${esc(p.id)}</a></td>
        <td><span class="phase ${esc(p.phase)}">${esc(p.phase ?? 'unknown')}</span></td>
        <td>${esc(p.streamName)}</td><td>${esc(p.applicationName)}</td>
        <td><a href="${esc(p.links.temporalUi)}">${esc(p.execution)}</a></td>
        <td>${timeOf(p.startedAt)}</td></tr>`).join('');
}

// --- detail view -----------------------------------------------------------------

let lastStatus = null;

async function optional(path) {
  try {
    return await api(path);
  } catch (err) {
    if (err.status === 404) return null;
    throw err;
  }
}

function card(label, value) {
  return `<div class="card"><div class="label">${esc(label)}</div><div class="value">${value}</div></div>`;
}

async function renderDetail() {
  const [status, metrics, scaling, replay] = await Promise.all([
    api(`/pipelines/${pipelineId}`),
    api(`/pipelines/${pipelineId}/metrics`),
    api(`/pipelines/${pipelineId}/scaling`),
    optional(`/pipelines/${pipelineId}/replay`),
  ]);
  lastStatus = status;
  $('title').textContent = `Pipeline ${status.id}`;
  $('phase').className = `phase ${status.phase}`;
  $('phase').textContent = status.phase;
  const attention = status.attention || (status.lastError ? `Last error in ${status.lastError.step}: ${status.lastError.message}` : '');
  $('attention').hidden = !attention;
  $('attention').textContent = attention;

  const cap = status.capacity || { shards: status.spec.stream.shardCount, parallelism: status.spec.application.parallelism, kpus: null };
  const auto = status.autoscaling || {};
  const perParallelism = auto.parameters?.recordsPerSecondPerParallelism || DEFAULT_RECORDS_PER_PARALLELISM;
  const samples = metrics.samples || [];
  const lastRate = [...samples].reverse().find((s) => s.incomingRecords !== null);
  $('cards').innerHTML = [
    card('Shards', fmt(cap.shards)),
    card('Parallelism', fmt(cap.parallelism)),
    card('KPUs', fmt(cap.kpus)),
    card('Incoming records/s', lastRate ? fmt(lastRate.incomingRecords / lastRate.periodSeconds) : '—'),
    card('Autoscaling', `${esc(auto.policy ?? '—')}${auto.paused ? ' (paused)' : ''}`),
    card('Shard updates / 24 h', `${fmt(status.shardUpdatesLast24h)} / 10`),
  ].join('');
  $('toggle-autoscaling').textContent = auto.paused ? 'Resume autoscaling' : 'Pause autoscaling';

  const history = scaling.history || [];
  const mid = (s) => s.timestamp + s.periodSeconds / 2;
  const tStart = samples.length ? samples[0].timestamp : Date.now() / 1000 - 600;
  const tEnd = samples.length ? mid(samples[samples.length - 1]) : Date.now() / 1000;
  const steps = capacitySteps(history, cap, tStart);
  const stepPoints = (f) => [...steps.map((s) => [s.t, f(s)]), [tEnd, f(steps[steps.length - 1])]];
  $('capacity-chart').innerHTML = lineChart([
    { name: 'IncomingRecords/s (demand)', color: '#2f6fde', points: samples.map((s) => [mid(s), s.incomingRecords === null ? null : s.incomingRecords / s.periodSeconds]) },
    { name: `Stream capacity (shards × ${fmt(RECORDS_PER_SHARD)})`, color: '#2b8a3e', step: true, points: stepPoints((s) => s.shards * RECORDS_PER_SHARD) },
    { name: `Flink capacity (parallelism × ${fmt(perParallelism)})`, color: '#b7791f', step: true, dashed: true, points: stepPoints((s) => s.parallelism * perParallelism) },
  ]);
  $('lag-chart').innerHTML = lineChart([
    { name: 'millisBehindLatest', color: '#c8362e', points: samples.map((s) => [mid(s), s.millisBehindLatest]) },
    { name: 'IteratorAge (ms)', color: '#7b61c9', dashed: true, points: samples.map((s) => [mid(s), s.iteratorAgeMs]) },
  ], { unit: ' ms' });

  $('replay').innerHTML = replay
    ? `<div class="progress"><div style="width:${Math.min(100, replay.percent ?? 0)}%"></div></div>
       <div class="stats"><span>State <b>${esc(replay.state)}</b></span><span>Sent <b>${fmt(replay.eventsSent)}</b>${replay.eventsTotal ? ` / ${fmt(replay.eventsTotal)}` : ''}</span>
       <span><b>${fmt(replay.percent, 1)}</b> %</span><span><b>${fmt(replay.eventsPerSecond)}</b> events/s</span>
       <span>Speedup <b>${esc(replay.speedup)}</b></span><span>Behind schedule <b>${fmt(replay.lagSeconds, 1)}</b> s</span>
       <span>Throttled retries <b>${fmt(replay.throttledRetries)}</b></span><span>Malformed lines <b>${fmt(replay.malformedLines)}</b></span>
       <span>ETA <b>${replay.etaSeconds === null ? '—' : `${fmt(replay.etaSeconds)} s`}</b></span></div>`
    : '<p class="muted">No replay for this pipeline.</p>';

  // The loop records a "no change" decision every tick; only the latest one is worth a row.
  const lastIdle = history.filter(isIdleDecision).at(-1);
  const rows = history.filter((r) => !isIdleDecision(r) || r === lastIdle);
  $('history').innerHTML = rows.length === 0
    ? '<tr><td colspan="6" class="muted">No scaling activity yet.</td></tr>'
    : [...rows].reverse().map((r) => `<tr><td>${timeOf(r.at)}</td><td>${esc(r.kind)}</td><td>${esc(r.source)}</td>
        <td>${r.before ? `${r.before.shards} sh / p${r.before.parallelism}` : '—'} → ${r.after ? `${r.after.shards} sh / p${r.after.parallelism}` : '—'}</td>
        <td>${esc(r.outcome)}</td><td>${(r.reasons || []).map(esc).join('<br>')}</td></tr>`).join('');
}

function isIdleDecision(r) {
  return r.kind === 'decision' && r.outcome === 'none';
}

async function act(label, fn) {
  try {
    const result = await fn();
    $('action-result').textContent = `${label}: ${result?.message || 'done'}`;
    await refresh();
  } catch (err) {
    $('action-result').textContent = `${label} refused: ${err.message}`;
  }
}

function wireDetailControls() {
  $('scale-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const body = { reason: 'manual override from the dashboard' };
    if ($('scale-shards').value) body.shards = Number($('scale-shards').value);
    if ($('scale-parallelism').value) body.parallelism = Number($('scale-parallelism').value);
    void act('Scale', () => api(`/pipelines/${pipelineId}/scale`, { method: 'POST', body }));
  });
  $('toggle-autoscaling').addEventListener('click', () => {
    const paused = !(lastStatus?.autoscaling?.paused);
    void act(paused ? 'Pause autoscaling' : 'Resume autoscaling', () => api(`/pipelines/${pipelineId}/autoscaling`, { method: 'PUT', body: { paused } }));
  });
  $('teardown').addEventListener('click', () => {
    if (!confirm(`Tear down pipeline ${pipelineId}? Its application and stream are deleted.`)) return;
    void act('Teardown', () => api(`/pipelines/${pipelineId}`, { method: 'DELETE' }));
  });
  for (const button of document.querySelectorAll('[data-replay]')) {
    button.addEventListener('click', () => {
      const action = button.getAttribute('data-replay');
      void act(`Replay ${action}`, () => api(`/pipelines/${pipelineId}/replay/${action}`, { method: 'POST' }));
    });
  }
}

// --- polling ---------------------------------------------------------------------

async function refresh() {
  try {
    await (pipelineId ? renderDetail() : renderList());
    showError(null);
    $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    showError(err);
  }
}

async function poll() {
  await refresh();
  setTimeout(() => void poll(), POLL_MS);
}

$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token-input').value);
  $('token-form').hidden = true;
  void refresh();
});
$(pipelineId ? 'detail-view' : 'list-view').hidden = false;
if (pipelineId) wireDetailControls();
else $('phase-filter').addEventListener('change', () => void refresh());
void poll();
