// Rate, ramp, traffic shapes, pause and resume: the same HTTP calls as curl (PUT /api/rate,
// POST /api/pause, POST /api/resume). What the operator typed goes to the server as typed, so the server's validation
// is the only one and its 400 message is shown next to the input; a refused command changes nothing.

import { call } from './api.js';
import { rate } from './format.js';

const $ = (id) => document.getElementById(id);
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** A JSON number literal when the text is one, else a JSON string (which the server refuses by name). */
function literal(text) {
  return JSON_NUMBER.test(text) ? text : JSON.stringify(text);
}

/**
 * Each shape's fields, in the order the form shows them: [JSON field, label, example]. A field left
 * empty is left out of the command, so the server applies its default (from: the current rate) or
 * names it as missing.
 */
const SHAPE_FIELDS = {
  sine: [['min', 'min /s', '500'], ['max', 'max /s', '5000'], ['periodSeconds', 'period s', '600'],
    ['durationSeconds', 'for s', '3600']],
  step: [['from', 'from /s', 'now'], ['to', 'to /s', '5000'], ['steps', 'steps', '4'], ['durationSeconds', 'for s', '300']],
  ramp: [['from', 'from /s', 'now'], ['to', 'to /s', '5000'], ['durationSeconds', 'for s', '60']],
  spike: [['base', 'base /s', '1000'], ['peak', 'peak /s', '8000'], ['atSeconds', 'at s', '60'],
    ['spikeSeconds', 'spike s', '30'], ['durationSeconds', 'for s', '180']],
};

function showShapeFields(kind) {
  const box = $('shape-fields');
  box.replaceChildren(...SHAPE_FIELDS[kind].map(([field, label, example]) => {
    const wrap = document.createElement('label');
    wrap.className = 'field';
    const name = document.createElement('span');
    name.textContent = label;
    const input = document.createElement('input');
    input.id = `shape-${field}`;
    input.dataset.field = field;
    input.type = 'text';
    input.inputMode = 'decimal';
    input.className = 'num';
    input.placeholder = example;
    wrap.append(name, input);
    return wrap;
  }));
}

function setupShapeForm(applied) {
  const select = $('shape-select');
  const apply = $('shape-apply');
  const error = $('shape-error');
  showShapeFields(select.value);
  select.addEventListener('change', () => {
    showShapeFields(select.value);
    showError(error, select, '');
  });
  $('shape-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = [`"shape": ${JSON.stringify(select.value)}`];
    for (const input of $('shape-fields').querySelectorAll('input')) {
      const text = input.value.trim();
      if (text) fields.push(`${JSON.stringify(input.dataset.field)}: ${literal(text)}`);
    }
    apply.disabled = true;
    try {
      applied(await call('PUT', '/api/rate', `{${fields.join(', ')}}`));
      showError(error, select, '');
    } catch (e) {
      showError(error, select, e.message);
    } finally {
      apply.disabled = false;
    }
  });
}

function showError(el, input, message) {
  el.textContent = message;
  if (input) input.setAttribute('aria-invalid', message ? 'true' : 'false');
}

/** Wires the controls; applied(status) receives the status the server answers a successful command with. */
export function setupControls(applied) {
  const form = $('rate-form');
  const rateInput = $('rate-input');
  const rampInput = $('ramp-input');
  const apply = $('rate-apply');
  const rateError = $('rate-error');
  const controlError = $('control-error');

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = rateInput.value.trim();
    const ramp = rampInput.value.trim();
    if (!text) {
      showError(rateError, rateInput, 'enter a rate in events per second');
      return;
    }
    const body = `{"eventsPerSecond": ${literal(text)}${ramp ? `, "rampSeconds": ${literal(ramp)}` : ''}}`;
    apply.disabled = true;
    try {
      applied(await call('PUT', '/api/rate', body));
      showError(rateError, rateInput, '');
    } catch (e) {
      showError(rateError, rateInput, e.message);
    } finally {
      apply.disabled = false;
    }
  });
  rateInput.addEventListener('input', () => rateInput.setAttribute('aria-invalid', 'false'));
  setupShapeForm(applied);

  for (const [id, path] of [['pause', '/api/pause'], ['resume', '/api/resume']]) {
    const button = $(id);
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        applied(await call('POST', path));
        showError(controlError, null, '');
      } catch (e) {
        showError(controlError, null, e.message);
        button.disabled = false;
      }
    });
  }
}

let filled = false;

/** Reflects the coordinator's state in the controls (never overwriting what the operator is typing). */
export function renderControls(s) {
  const rateInput = $('rate-input');
  if (!filled && document.activeElement !== rateInput && !rateInput.value) {
    rateInput.value = String(s.requestedRate ?? s.targetRate ?? '');
    filled = true;
  }
  $('pause').disabled = s.paused === true;
  $('resume').disabled = s.paused !== true;
  const requested = $('requested-rate');
  // During a ramp the coordinator's requestedRate is the ramp's current step; the operator asked for ramp.to.
  const text = rate(s.ramp ? s.ramp.to : s.requestedRate ?? s.targetRate);
  if (requested.textContent !== text) requested.textContent = text;
  let note = '';
  if (s.ramp) {
    const left = Math.max(0, (s.ramp.startMillis + s.ramp.durationMillis - s.timeMillis) / 1000);
    note = ` · ramping ${rate(s.ramp.from)} → ${rate(s.ramp.to)} /s, now ${rate(s.targetRate)} /s, ${Math.ceil(left)} s left`;
  } else if (s.shape) {
    const left = Math.max(0, (s.shape.endMillis - s.timeMillis) / 1000);
    note = ` now, following ${describeShape(s.shape)}, ${Math.ceil(left)} s left`;
  }
  if (s.paused) {
    note += ' · paused: nothing is generated';
  } else if (!s.shape && s.requestedRate !== undefined && s.targetRate !== undefined && s.requestedRate !== s.targetRate) {
    note = ` · effective ${rate(s.targetRate)} /s`;
  }
  const state = $('ramp-state');
  if (state.textContent !== note) state.textContent = note;
}

/** "sine 500–5,000 /s, period 600 s" and the like. */
function describeShape(shape) {
  switch (shape.shape) {
    case 'sine':
      return `sine ${rate(shape.min)}–${rate(shape.max)} /s, period ${shape.periodSeconds} s`;
    case 'step':
      return `${shape.steps} step${shape.steps === 1 ? '' : 's'} ${rate(shape.from)} → ${rate(shape.to)} /s`;
    case 'spike':
      return `spike ${rate(shape.base)} → ${rate(shape.peak)} /s at ${shape.atSeconds} s for ${shape.spikeSeconds} s`;
    default:
      return `${shape.shape} ${rate(shape.from)} → ${rate(shape.to)} /s`;
  }
}
