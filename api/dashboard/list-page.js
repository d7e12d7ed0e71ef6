// The list page: every pipeline at a glance. Visibility gives the list; each open
// pipeline's own queries (status, metrics, scaling) give its capacity, demand, lag and
// last action.
import { api, mapLimited } from './api-client.js';
import {
  $, ago, autoscalingText, capacityText, duration, esc, fmt, incomingPerSecond, lastAction, latest,
} from './format.js';

const OPEN = new Set(['RUNNING']);

async function detailsOf(p) {
  if (!OPEN.has(p.execution)) return null;
  try {
    const [status, metrics, scaling] = await Promise.all([
      api(`/pipelines/${p.id}`),
      api(`/pipelines/${p.id}/metrics`),
      api(`/pipelines/${p.id}/scaling`),
    ]);
    return { status, samples: metrics.samples || [], history: scaling.history || [] };
  } catch (err) {
    return { error: err.message };
  }
}

function actionCell(record) {
  if (!record) return '<span class="muted">none yet</span>';
  const change = record.before && record.after ? `${capacityText(record.before)} → ${capacityText(record.after)}` : '';
  return `<span class="outcome ${esc(record.outcome)}">${esc(record.kind)} ${esc(record.outcome)}</span> ${esc(change)}`
    + `<div class="muted small">${esc(ago(record.at))} · ${esc(record.source)}</div>`;
}

function row(p, d) {
  const phase = d?.status?.phase ?? p.phase ?? 'unknown';
  const links = `<a href="/dashboard/${esc(p.id)}">page</a> · <a href="${esc(p.links.temporalUi)}" target="_blank" rel="noopener">Temporal</a>`;
  if (!d || d.error) {
    const note = d?.error ? `<span class="error-text">${esc(d.error)}</span>` : `<span class="muted">workflow ${esc(p.execution.toLowerCase())}</span>`;
    return `<tr data-pipeline="${esc(p.id)}"><td><a href="/dashboard/${esc(p.id)}">${esc(p.id)}</a></td><td><span class="phase ${esc(phase)}">${esc(phase)}</span></td>`
      + `<td colspan="6">${note}</td><td>${links}</td></tr>`;
  }
  const { status, samples, history } = d;
  const cap = status.capacity;
  const lag = latest(samples, 'millisBehindLatest');
  return `<tr data-pipeline="${esc(p.id)}"><td><a href="/dashboard/${esc(p.id)}">${esc(p.id)}</a></td>`
    + `<td><span class="phase ${esc(phase)}">${esc(phase)}</span></td>`
    + `<td class="num">${fmt(cap?.shards)}</td>`
    + `<td class="num">${cap ? `${fmt(cap.parallelism)} / ${fmt(cap.kpus)} KPU` : '—'}</td>`
    + `<td class="num">${fmt(incomingPerSecond(samples))}</td>`
    + `<td class="num">${lag ? duration(lag.value) : '—'}</td>`
    + `<td><span class="${status.phase === 'DEGRADED' ? 'error-text' : ''}">${esc(autoscalingText(status))}</span></td>`
    + `<td>${actionCell(lastAction(history))}</td><td>${links}</td></tr>`;
}

export async function renderList() {
  const phase = $('phase-filter').value;
  const page = await api(`/pipelines?pageSize=100${phase ? `&phase=${phase}` : ''}`);
  const details = await mapLimited(page.pipelines, 6, detailsOf);
  $('pipeline-count').textContent = `${page.pipelines.length}${page.nextPageToken ? '+' : ''} pipeline${page.pipelines.length === 1 ? '' : 's'}${phase ? ` in ${phase}` : ''}`;
  $('pipelines').innerHTML = page.pipelines.length === 0
    ? `<tr><td colspan="9" class="muted">${phase ? `No pipeline is ${phase}.` : 'No pipelines yet — create one below.'}</td></tr>`
    : page.pipelines.map((p, i) => row(p, details[i])).join('');
}
