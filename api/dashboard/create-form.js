// The create-pipeline form. The browser does not validate (novalidate): the API is the
// one judge, and each of its field errors (a JSON pointer) is shown at its input.
import { api } from './api-client.js';
import { $, esc } from './format.js';

/** Builds the request body from the inputs' data-field pointers; empty inputs are left to the API's defaults. */
function bodyOf(form) {
  const body = {};
  for (const input of form.querySelectorAll('[data-field]')) {
    if (input.disabled || input.value === '') continue;
    const path = input.dataset.field.split('/').slice(1);
    let value = input.value;
    if (input.type === 'checkbox') value = input.checked;
    else if (input.dataset.kind === 'number') value = value === 'max' ? 'max' : Number(value);
    let target = body;
    for (const key of path.slice(0, -1)) target = target[key] ??= {};
    target[path.at(-1)] = value;
  }
  if (!$('create-replay').checked) delete body.replay;
  return body;
}

function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  $('create-result').textContent = '';
}

/** The input whose pointer is the error's field or its nearest parent. */
function inputFor(form, pointer) {
  for (let p = pointer; p !== ''; p = p.slice(0, p.lastIndexOf('/'))) {
    const input = form.querySelector(`[data-field="${CSS.escape(p)}"]`);
    if (input) return input;
  }
  return null;
}

function showErrors(form, errors, detail) {
  const unplaced = [];
  for (const e of errors) {
    const input = inputFor(form, e.field);
    if (!input) { unplaced.push(`${e.field} ${e.rule}`); continue; }
    input.setAttribute('aria-invalid', 'true');
    const note = document.createElement('span');
    note.className = 'field-error';
    note.id = `${input.id}-error`;
    note.textContent = input.dataset.field === e.field ? e.rule : `${e.field} ${e.rule}`;
    input.setAttribute('aria-describedby', note.id);
    input.closest('label').append(note);
  }
  $('create-result').textContent = unplaced.length ? unplaced.join('; ') : detail;
  form.querySelector('[aria-invalid]')?.focus();
}

export function wireCreateForm(onCreated) {
  const form = $('create-form');
  $('create-replay').addEventListener('change', (e) => {
    for (const input of form.querySelectorAll('[data-replay-field]')) input.disabled = !e.target.checked;
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const created = await api('/pipelines', { method: 'POST', body: bodyOf(form) });
      $('create-result').innerHTML = `${created.created ? 'Created' : 'Already existed:'} <a href="/dashboard/${esc(created.id)}">${esc(created.id)}</a>`;
      onCreated(created);
    } catch (err) {
      if (err.status === 400 && err.problem?.errors) showErrors(form, err.problem.errors, err.message);
      else $('create-result').textContent = `Not created: ${err.message}`;
    } finally {
      button.disabled = false;
    }
  });
}
