// The shardpilot dashboard's entry: token entry, which page, polling. Plain browser
// modules, no build step; every number on the page comes from the API.
import { api, hasToken, setToken } from './api-client.js';
import { wireCreateForm } from './create-form.js';
import { $ } from './format.js';
import { renderList } from './list-page.js';
import { pipelineId, renderPipeline, wirePipelineControls } from './pipeline-page.js';

const POLL_MS = 4000;
let timer = null;

function showError(err) {
  $('error').hidden = !err;
  $('error').textContent = err ? err.message : '';
}

async function refresh() {
  try {
    await (pipelineId ? renderPipeline() : renderList());
    showError(null);
    $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    showError(err);
  }
}

async function poll() {
  clearTimeout(timer);
  await refresh();
  timer = setTimeout(() => void poll(), POLL_MS);
}

function showTokenState() {
  $('token-state').hidden = !hasToken();
}

$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  setToken($('token-input').value.trim());
  $('token-input').value = '';
  $('token-form').hidden = true;
  showTokenState();
  void poll();
});
$('forget-token').addEventListener('click', () => {
  setToken(null);
  showTokenState();
  void api('/pipelines?pageSize=1').catch(() => undefined);
});
showTokenState();

$(pipelineId ? 'detail-view' : 'list-view').hidden = false;
if (pipelineId) {
  wirePipelineControls(refresh);
} else {
  $('phase-filter').addEventListener('change', () => void poll());
  wireCreateForm(() => void poll());
}
void poll();
