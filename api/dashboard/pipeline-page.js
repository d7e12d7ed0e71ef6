// One pipeline: capacity vs demand, lag, the daily UpdateShardCount budget, what needs a
// person (DEGRADED), calibration when there is one, the hot-spot map, replay, controls
// and the scaling timeline.
import { api, optional } from './api-client.js';
import { lineChart } from './charts.js';
import {
  $, ago, autoscalingText, capacityText, duration, esc, fmt, incomingPerSecond, latest, timeOf,
} from './format.js';
import { renderHotspots, wireHotspotControls } from './hotspot-map.js';

const RECORDS_PER_SHARD = 1000;
const DEFAULT_RECORDS_PER_PARALLELISM = 4400;
/** AWS: UpdateShardCount at most 10 times per rolling 24 hours per stream. */
const SHARD_UPDATES_PER_DAY = 10;
const HOTSPOTS_EVERY_MS = 15_000;

export const pipelineId = (location.pathname.match(/^\/dashboard\/([a-z0-9-]+)\/?$/) || [])[1];
let lastStatus = null;
let links = null;
let hotspotsReadAt = 0;

function targetText(target) {
  const parts = [];
  if (target.shards !== undefined) parts.push(`${target.shards} shards`);
  if (target.parallelism !== undefined) parts.push(`parallelism ${target.parallelism}`);
  return parts.join(' and ') || 'no change';
}

function card(label, value, extra = '') {
  return `<div class="card"${extra}><div class="label">${esc(label)}</div><div class="value">${value}</div></div>`;
}

/** Capacity over time, rebuilt from the scaling history's applied changes; flat at the current value when none. */
function capacitySteps(history, current, tStart) {
  const applied = history
    .filter((r) => r.after && r.outcome === 'ok' && ['action', 'override', 'rollback', 'verification'].includes(r.kind))
    .map((r) => ({ t: Date.parse(r.at) / 1000, ...r.after }));
  const first = history.find((r) => r.before);
  const initial = first ? first.before : current;
  return [{ t: tStart, shards: initial.shards, parallelism: initial.parallelism }, ...applied.filter((a) => a.t > tStart)];
}

function budgetCard(used) {
  const share = Math.min(100, (used / SHARD_UPDATES_PER_DAY) * 100);
  const tone = used >= SHARD_UPDATES_PER_DAY ? 'bad' : used >= SHARD_UPDATES_PER_DAY - 2 ? 'warn' : 'ok';
  return `<div class="card" id="shard-budget"><div class="label">UpdateShardCount, last 24 h</div>`
    + `<div class="value">${fmt(used)} of ${SHARD_UPDATES_PER_DAY}</div>`
    + `<div class="meter ${tone}" role="meter" aria-valuemin="0" aria-valuemax="${SHARD_UPDATES_PER_DAY}" aria-valuenow="${used}" aria-label="UpdateShardCount calls in the last 24 h"><div style="width:${share}%"></div></div>`
    + `<div class="muted small">${used >= SHARD_UPDATES_PER_DAY ? 'none left: autoscaling holds its reshards until the oldest call is 24 h old; an override or a rollback reshards with SplitShard/MergeShards' : `${SHARD_UPDATES_PER_DAY - used} reshards left (AWS quota)`}</div></div>`;
}

function renderAttention(status) {
  const box = $('attention');
  const degraded = status.phase === 'DEGRADED';
  const text = status.attention || (status.lastError && status.phase === 'FAILED' ? `Failed in ${status.lastError.step}: ${status.lastError.message}` : '');
  box.hidden = !text;
  if (!text) return;
  $('attention-text').textContent = text;
  $('attention-title').textContent = degraded ? 'DEGRADED — autoscaling has stopped and needs a person' : `${status.phase} — needs a person`;
  // The one action that brings a DEGRADED pipeline back, once its capacity is set right by hand.
  $('attention-resume').hidden = !degraded;
}

function renderLinks(calibration) {
  const parts = [`<a href="${esc(links.temporalUi.pipeline)}" target="_blank" rel="noopener">pipeline workflow</a>`];
  if (lastStatus?.spec?.replay || lastStatus?.replay) parts.push(`<a href="${esc(links.temporalUi.replay)}" target="_blank" rel="noopener">replay workflow</a>`);
  if (calibration) {
    const url = calibration.workflowId ? links.temporalUi.pipeline.replace(/workflows\/[^/]+$/, `workflows/${encodeURIComponent(calibration.workflowId)}`) : links.temporalUi.calibration;
    parts.push(`<a href="${esc(url)}" target="_blank" rel="noopener">calibration workflow</a>`);
  }
  const dashboardName = lastStatus?.resources?.dashboardName;
  if (dashboardName && links.cloudwatchDashboard) parts.push(`<a href="${esc(links.cloudwatchDashboard)}" target="_blank" rel="noopener">CloudWatch dashboard</a>`);
  else if (dashboardName) parts.push(`<span class="muted">CloudWatch dashboard <code>${esc(dashboardName)}</code> (in the emulator: ListDashboards)</span>`);
  $('links').innerHTML = `Temporal UI: ${parts.join(' · ')}`;
}

function renderCalibration(c) {
  $('calibration-panel').hidden = !c;
  if (!c) return;
  const pct = Math.max(0, Math.min(100, c.progress?.percent ?? 0));
  let html = `<p><b>${esc(c.state)}</b> — ${esc(c.message)}</p>`
    + `<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${pct}"><div style="width:${pct}%"></div></div>`
    // Once it has finished, "now offering" and the planned maximum no longer describe anything.
    + (c.finishedAt
      ? `<div class="stats"><span>Steps measured <b>${fmt(c.progress?.stepsDone)}</b></span>`
      : `<div class="stats"><span>Step <b>${fmt(c.progress?.stepsDone)}</b> of ≤ ${fmt(c.progress?.stepsPlanned)}</span>`
        + `<span>Now offering <b>${fmt(c.progress?.currentRecordsPerSecond)}</b> records/s</span>`)
    + `<span>Elapsed <b>${fmt(c.progress?.elapsedSeconds)}</b> s</span><span>Spent <b>${usd(c.progress?.spentUsd)}</b></span></div>`;
  const r = c.result;
  if (r) {
    const rec = r.recommendation;
    html += `<div class="stats result"><span>Sustainable <b>${fmt(r.recordsPerSecondPerParallelism)}</b> records/s per parallelism${r.lowerBound ? ' (at least)' : ''}</span>`
      + `<span><b>${fmt(r.recordsPerSecondPerKpu)}</b> records/s per KPU</span><span>Workload <b>${esc(r.workload)}</b></span><span>Limit when saturated <b>${esc(r.bottleneck)}</b></span>`
      + `<span>Recommended: parallelism <b>${fmt(rec.parallelism)}</b>, ParallelismPerKPU <b>${fmt(rec.parallelismPerKpu)}</b>, <b>${fmt(rec.kpus)}</b> KPU, $${fmt(rec.costPerHourUsd, 2)}/h for ${fmt(rec.targetRecordsPerSecond)} records/s</span></div>`;
  }
  if (c.error) html += `<p class="error-text">${esc(c.error)}</p>`;
  $('calibration').innerHTML = html;
  renderCalibrationSteps(c.steps || []);
}

/** A cost a person can compare: cents below a dollar are shown, fractions of a cent are not rounded to "$0". */
function usd(v) {
  if (v === null || v === undefined) return '—';
  return v > 0 && v < 0.01 ? '< $0.01' : `$${fmt(v, 2)}`;
}

const VERDICT_COLOR = { sustainable: '#2b8a3e', saturated: '#c8362e' };

/** Each measured step drawn over time: what was offered against what the job processed; the table gives the verdicts. */
function renderCalibrationSteps(steps) {
  $('calibration-steps-table').hidden = steps.length === 0;
  if (steps.length === 0) {
    $('calibration-chart').innerHTML = '<p class="muted">No step measured yet: the first one is shown when its CloudWatch periods are in.</p>';
    $('calibration-steps').innerHTML = '';
    return;
  }
  const at = (iso) => Date.parse(iso) / 1000;
  const flat = (field) => steps.flatMap((s) => [[at(s.startedAt), s[field]], [at(s.endedAt), s[field]], [at(s.endedAt), null]]);
  $('calibration-chart').innerHTML = lineChart([
    { name: 'offered (records/s)', color: '#7b61c9', dashed: true, points: flat('offeredRecordsPerSecond') },
    { name: 'processed by the job (records/s)', color: '#2f6fde', points: flat('processedRecordsPerSecond') },
  ], { y: 'records/s', minSpan: 0 }, 'Calibration steps: offered and processed records per second', $('calibration-chart').clientWidth || 1000);
  $('calibration-steps').innerHTML = steps.map((s, i) => `<tr data-verdict="${esc(s.verdict)}" title="${esc((s.reasons || []).join('\n'))}">`
    + `<td>${i + 1} · ${esc(s.kind)}</td><td>${fmt(s.parallelismPerKpu)}</td><td class="num">${fmt(s.offeredRecordsPerSecond)}</td>`
    + `<td class="num">${fmt(s.processedRecordsPerSecond)}</td><td class="num">${fmt(s.lagSlopeMsPerSecond, 1)}</td><td class="num">${fmt(s.cpuUtilization)} %</td>`
    + `<td><b style="color:${VERDICT_COLOR[s.verdict] ?? 'inherit'}">${esc(s.verdict)}</b></td></tr>`).join('');
}

function renderCharts(status, samples, history) {
  const cap = status.capacity || { shards: status.spec.stream.shardCount, parallelism: status.spec.application.parallelism };
  const perParallelism = status.autoscaling?.parameters?.recordsPerSecondPerParallelism || DEFAULT_RECORDS_PER_PARALLELISM;
  const mid = (s) => s.timestamp + s.periodSeconds / 2;
  const tStart = samples.length ? samples[0].timestamp : Date.now() / 1000 - 600;
  const tEnd = samples.length ? mid(samples[samples.length - 1]) : Date.now() / 1000;
  const steps = capacitySteps(history, cap, tStart);
  const minSpan = 20 * (samples[0]?.periodSeconds ?? 60);
  // Each chart is drawn at its panel's width (the page redraws every few seconds, so a resized window catches up).
  const widthOf = (id) => $(id).clientWidth || 1000;
  const stepPoints = (f) => [...steps.map((s) => [s.t, f(s)]), [tEnd, f(steps[steps.length - 1])]];
  $('capacity-chart').innerHTML = lineChart([
    { name: 'IncomingRecords/s (demand)', color: '#2f6fde', points: samples.map((s) => [mid(s), s.incomingRecords === null ? null : s.incomingRecords / s.periodSeconds]) },
    { name: `Stream capacity (shards × ${fmt(RECORDS_PER_SHARD)})`, color: '#2b8a3e', step: true, points: samples.length ? stepPoints((s) => s.shards * RECORDS_PER_SHARD) : [] },
    { name: `Flink capacity (parallelism × ${fmt(perParallelism)})`, color: '#b7791f', step: true, dashed: true, points: samples.length ? stepPoints((s) => s.parallelism * perParallelism) : [] },
  ], { y: 'records/s', minSpan }, 'Capacity vs demand, records per second', widthOf('capacity-chart'));
  $('lag-chart').innerHTML = lineChart([
    { name: 'millisBehindLatest (Flink)', color: '#c8362e', points: samples.map((s) => [mid(s), s.millisBehindLatest === null ? null : s.millisBehindLatest / 1000]) },
    { name: 'IteratorAge (Kinesis)', color: '#7b61c9', dashed: true, points: samples.map((s) => [mid(s), s.iteratorAgeMs === null ? null : s.iteratorAgeMs / 1000]) },
  ], { y: 'lag, seconds', minSpan, format: (v) => `${fmt(v, 2)} s` }, 'Consumer lag in seconds', widthOf('lag-chart'));
  $('cpu-chart').innerHTML = lineChart([
    { name: 'cpuUtilization (Flink)', color: '#2b8a3e', points: samples.map((s) => [mid(s), s.cpuUtilization]) },
  ], { y: 'CPU, %', minSpan, max: 100, format: (v) => `${fmt(v)} %` }, 'Flink CPU utilisation in percent', widthOf('cpu-chart'));
  $('throttle-chart').innerHTML = lineChart([
    {
      name: 'WriteProvisionedThroughputExceeded/s (Kinesis)', color: '#c8362e',
      points: samples.map((s) => [mid(s), s.writeProvisionedThroughputExceeded === null ? null : s.writeProvisionedThroughputExceeded / s.periodSeconds]),
    },
  ], { y: 'throttled records/s', minSpan }, 'Write throttling in records per second', widthOf('throttle-chart'));
}

function replayHtml(replay) {
  if (!replay) return '<p class="muted">No replay for this pipeline.</p>';
  const pct = Math.min(100, replay.percent ?? 0);
  return `<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${pct}"><div style="width:${pct}%"></div></div>
    <div class="stats"><span>State <b>${esc(replay.state)}</b></span><span>Sent <b>${fmt(replay.eventsSent)}</b>${replay.eventsTotal ? ` / ${fmt(replay.eventsTotal)}` : ''} trips</span>
    <span><b>${fmt(replay.percent, 1)}</b> %</span><span><b>${fmt(replay.eventsPerSecond)}</b> events/s</span>
    <span>Speedup <b>${esc(replay.speedup)}</b>×</span><span>Behind schedule <b>${fmt(replay.lagSeconds, 1)}</b> s</span>
    <span>Throttled retries <b>${fmt(replay.throttledRetries)}</b></span><span>Malformed lines <b>${fmt(replay.malformedLines)}</b></span>
    <span>ETA <b>${replay.etaSeconds === null ? '—' : `${fmt(replay.etaSeconds)} s`}</b></span></div>`;
}

const isIdleDecision = (r) => r.kind === 'decision' && r.outcome === 'none';

function timelineHtml(history) {
  // The loop records a "no change" decision every tick; only the latest one is worth a row.
  const lastIdle = history.filter(isIdleDecision).at(-1);
  const rows = history.filter((r) => !isIdleDecision(r) || r === lastIdle);
  if (rows.length === 0) return '<tr><td colspan="6" class="muted">No scaling activity yet.</td></tr>';
  return [...rows].reverse().map((r) => `<tr class="kind-${esc(r.kind)}" data-kind="${esc(r.kind)}" data-source="${esc(r.source)}"><td title="${esc(timeOf(r.at))}">${esc(ago(r.at))}</td><td>${esc(r.kind)}</td><td>${esc(r.source)}</td>
      <td>${capacityText(r.before)} → ${capacityText(r.after)}</td><td><span class="outcome ${esc(r.outcome)}">${esc(r.outcome)}</span></td><td>${(r.reasons || []).map(esc).join('<br>')}</td></tr>`).join('');
}

export async function renderPipeline() {
  const [status, metrics, scaling, replay, calibration] = await Promise.all([
    api(`/pipelines/${pipelineId}`),
    api(`/pipelines/${pipelineId}/metrics`),
    api(`/pipelines/${pipelineId}/scaling`),
    optional(`/pipelines/${pipelineId}/replay`),
    optional(`/pipelines/${pipelineId}/calibration`).catch(() => null),
  ]);
  lastStatus = status;
  links ??= await api(`/pipelines/${pipelineId}/links`);
  document.title = `${status.id} · shardpilot`;
  $('title').textContent = `Pipeline ${status.id}`;
  $('phase').className = `phase ${status.phase}`;
  $('phase').textContent = status.phase;
  $('resources').textContent = `stream ${status.resources.streamName} → Flink application ${status.resources.applicationName} · created ${ago(status.createdAt)}`;
  renderAttention(status);
  renderLinks(calibration);
  renderCalibration(calibration);

  const cap = status.capacity;
  const samples = metrics.samples || [];
  const lag = latest(samples, 'millisBehindLatest');
  $('cards').innerHTML = [
    card('Shards', fmt(cap?.shards)),
    card('Parallelism', fmt(cap?.parallelism)),
    card('KPUs', cap ? `${fmt(cap.kpus)} <span class="small muted">(${fmt(cap.parallelismPerKpu)} per KPU)</span>` : '—'),
    card('Incoming records/s', fmt(incomingPerSecond(samples))),
    card('Lag (millisBehindLatest)', lag ? duration(lag.value) : '—'),
    card('Autoscaling', esc(autoscalingText(status)), ` data-text${status.phase === 'DEGRADED' ? ' data-tone="bad"' : ''}`),
    budgetCard(status.shardUpdatesLast24h ?? 0),
  ].join('');
  $('toggle-autoscaling').textContent = status.autoscaling?.paused ? 'Resume autoscaling' : 'Pause autoscaling';
  $('active-action').textContent = status.activeAction
    ? `Under way: ${status.activeAction.source === 'override' ? 'manual override' : 'policy action'} to ${targetText(status.activeAction.target)}, started ${ago(status.activeAction.startedAt)}`
    : '';

  const history = scaling.history || [];
  renderCharts(status, samples, history);
  $('replay').innerHTML = replayHtml(replay);
  $('history').innerHTML = timelineHtml(history);

  if (Date.now() - hotspotsReadAt > HOTSPOTS_EVERY_MS) {
    hotspotsReadAt = Date.now();
    await renderHotspots(await api(`/pipelines/${pipelineId}/hotspots`));
  }
}

async function act(label, fn, refresh) {
  try {
    const result = await fn();
    $('action-result').textContent = `${label}: ${result?.message || 'done'}`;
    await refresh();
  } catch (err) {
    $('action-result').textContent = `${label} refused: ${err.message}`;
  }
}

export function wirePipelineControls(refresh) {
  $('scale-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const body = { reason: 'manual override from the dashboard' };
    if ($('scale-shards').value) body.shards = Number($('scale-shards').value);
    if ($('scale-parallelism').value) body.parallelism = Number($('scale-parallelism').value);
    void act('Scale', () => api(`/pipelines/${pipelineId}/scale`, { method: 'POST', body }), refresh);
  });
  $('toggle-autoscaling').addEventListener('click', () => {
    const paused = !(lastStatus?.autoscaling?.paused);
    void act(paused ? 'Pause autoscaling' : 'Resume autoscaling', () => api(`/pipelines/${pipelineId}/autoscaling`, { method: 'PUT', body: { paused } }), refresh);
  });
  $('attention-resume').addEventListener('click', () => {
    void act('Resume autoscaling', () => api(`/pipelines/${pipelineId}/autoscaling`, { method: 'PUT', body: { paused: false } }), refresh);
  });
  $('teardown').addEventListener('click', () => {
    if (!confirm(`Tear down pipeline ${pipelineId}? Its application and stream are deleted.`)) return;
    void act('Teardown', () => api(`/pipelines/${pipelineId}`, { method: 'DELETE' }), refresh);
  });
  for (const button of document.querySelectorAll('[data-replay]')) {
    button.addEventListener('click', () => {
      const action = button.getAttribute('data-replay');
      void act(`Replay ${action}`, () => api(`/pipelines/${pipelineId}/replay/${action}`, { method: 'POST' }), refresh);
    });
  }
  wireHotspotControls();
}
