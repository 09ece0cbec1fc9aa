// Writes a status document into the page. Elements are made once and then only their text changes
// (and only when it differs), so a page left open for hours does the same small work every second.

import { ago, clock, count, DASH, duration, eventTypeLabel, percent, rate } from './format.js';

const $ = (id) => document.getElementById(id);

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** Text for people, data-value with the raw number for scripts and tests. */
function setNumber(el, value, text) {
  setText(el, text);
  const raw = value == null ? '' : String(value);
  if (el.dataset.value !== raw) el.dataset.value = raw;
}

function setClass(el, name, on) {
  if (el.classList.contains(name) !== on) el.classList.toggle(name, on);
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Amber above 1 s, red above 5 s: where a load test's latency stops being believable. */
function flagLatency(el, ms) {
  setClass(el, 'is-high', ms >= 1000 && ms < 5000);
  setClass(el, 'is-bad', ms >= 5000);
}

export function renderHeader(s) {
  setText($('coordinator-id'), s.coordinatorId ?? DASH);
  setText($('epoch'), count(s.epoch));
  setText($('updated'), clock(s.timeMillis));
  $('paused-badge').hidden = !s.paused;
  $('rebalancing-badge').hidden = !s.rebalancing;
}

export function renderKpis(s) {
  setNumber($('measured-rate'), s.measuredRate, rate(s.measuredRate));
  setNumber($('target-rate'), s.targetRate, rate(s.targetRate));
  setText($('rate-ratio'), s.paused ? 'paused' : s.targetRate > 0 ? percent(s.measuredRate / s.targetRate) : DASH);
  const latency = s.latency ?? {};
  for (const [id, ms] of [['ack-p50', latency.ackP50Ms], ['ack-p99', latency.ackP99Ms],
    ['lag-p99', latency.sendLagP99Ms], ['lag-max', latency.sendLagMaxMs]]) {
    setNumber($(id), ms, duration(ms));
    flagLatency($(id), ms ?? 0);
  }
  const workers = s.workers ?? [];
  setText($('live-workers'), count(s.liveWorkers ?? workers.filter((w) => w.state === 'live').length));
  setText($('lost-workers'), count(workers.filter((w) => w.state === 'lost').length));
  setText($('rebalances'), count(s.rebalances));
}

const PROBLEM_TITLES = {
  BROKER_UNREACHABLE: 'Kafka unreachable',
  BROKER_REFUSED: 'Kafka refused the login',
  SENDS_FAILING: 'Sends failing',
  NO_WORKERS: 'No workers',
  WORKER_LOST: 'Worker lost',
  BEHIND_TARGET: 'Behind target',
  CONTROL_OPEN: 'Open to the network',
};
const WARNINGS = new Set(['BEHIND_TARGET', 'CONTROL_OPEN']);

/** One banner per problem, reused in place: messages that count seconds change only their text. */
export function renderProblems(problems = []) {
  const box = $('problems');
  while (box.children.length > problems.length) box.lastElementChild.remove();
  while (box.children.length < problems.length) {
    const banner = element('div', 'banner');
    banner.append(element('strong'), element('span', 'msg'));
    box.append(banner);
  }
  problems.forEach((p, i) => {
    const banner = box.children[i];
    if (banner.dataset.code !== p.code) {
      banner.dataset.code = p.code;
      banner.className = WARNINGS.has(p.code) ? 'banner banner--warn' : 'banner';
      setText(banner.firstElementChild, PROBLEM_TITLES[p.code] ?? p.code);
    }
    setText(banner.lastElementChild, p.message ?? '');
  });
}

/** The schema's event types in order and its user-id format, from GET /api/meta (see useMeta). */
let TYPE_ORDER = [];
let userIdFormat = null;

/** Takes the server's constants (GET /api/meta): the page keeps no copy of the schema. */
export function useMeta(meta) {
  TYPE_ORDER = Array.isArray(meta?.eventTypes) ? meta.eventTypes : [];
  userIdFormat = meta?.userId ?? null;
}

/** 42 -> "USER_0042", as the events' user_id; the plain number until the format is known. */
function userId(n) {
  if (!userIdFormat || !Number.isInteger(n)) return String(n ?? '');
  return `${userIdFormat.prefix}${String(n).padStart(userIdFormat.minDigits, '0')}`;
}
const mixRows = new Map();

function mixRow(type) {
  let row = mixRows.get(type);
  if (!row) {
    const tr = element('tr');
    tr.dataset.type = type;
    const fill = element('span', 'bar-fill');
    const bar = element('span', 'bar');
    bar.append(fill);
    const rateCell = element('td');
    const rateValue = element('span', 'num', DASH);
    rateCell.append(rateValue, element('span', 'unit', '/s'));
    const share = element('td', 'num', DASH);
    const barCell = element('td');
    barCell.append(bar);
    tr.append(element('th', '', eventTypeLabel(type)), barCell, rateCell, share);
    row = { tr, fill, rateValue, share };
    mixRows.set(type, row);
    const tbody = $('mix-rows');
    const order = (t) => (TYPE_ORDER.includes(t) ? TYPE_ORDER.indexOf(t) : TYPE_ORDER.length);
    const next = [...tbody.children].find((r) => order(r.dataset.type) > order(type));
    tbody.insertBefore(tr, next ?? null);
  }
  return row;
}

function setBar(fill, ratio) {
  const width = `${(Math.max(0, Math.min(1, ratio || 0)) * 100).toFixed(1)}%`;
  if (fill.style.width !== width) fill.style.width = width;
}

export function renderMix(s) {
  const rates = s.typeRates ?? {};
  const types = new Set([...TYPE_ORDER.filter((t) => t in rates || t in (s.byType ?? {})), ...Object.keys(rates)]);
  const total = Object.values(rates).reduce((a, b) => a + b, 0);
  for (const type of types) {
    const row = mixRow(type);
    const r = rates[type] ?? 0;
    setText(row.rateValue, rate(r));
    setText(row.share, total > 0 ? percent(r / total) : DASH);
    setBar(row.fill, total > 0 ? r / total : 0);
  }
  const late = s.lateRate ?? 0;
  setText($('late-rate'), rate(late));
  setText($('late-share'), total > 0 ? percent(late / total) : DASH);
  setBar($('late-bar'), total > 0 ? late / total : 0);
  const totals = s.totals ?? {};
  setText($('late-total-share'), totals.generated > 0 ? percent(totals.late / totals.generated) : DASH);
}

export function renderTotals(s) {
  const totals = s.totals ?? {};
  setNumber($('total-generated'), totals.generated, count(totals.generated));
  setNumber($('total-acked'), totals.acked, count(totals.acked));
  setNumber($('total-pending'), totals.pending, count(totals.pending));
  setNumber($('total-failed'), totals.failed, count(totals.failed));
  setClass($('total-failed'), 'is-bad', totals.failed > 0);
  setNumber($('total-late'), totals.late, count(totals.late));
  setNumber($('total-sent-early'), totals.sentEarly, count(totals.sentEarly));
  setClass($('total-sent-early'), 'is-bad', totals.sentEarly > 0);
  const kafka = s.kafka ?? {};
  const landed = $('kafka-landed');
  if (kafka.reachable === false) {
    setNumber(landed, null, 'unreachable');
    landed.title = kafka.error ?? '';
  } else {
    setNumber(landed, kafka.endOffsetsSum, count(kafka.endOffsetsSum));
    landed.title = `sum of the end offsets of all partitions, checked at ${clock(kafka.checkedAtMillis)}`
      + ' (includes earlier runs into the same topic)';
  }
  $('kafka-topic').title = kafka.topic ? `topic ${kafka.topic}` : '';
}

const workerRows = new Map();
const WORKER_CELLS = ['id', 'host', 'users', 'target', 'measured', 'ack', 'lag', 'acked', 'failed', 'health'];
const RIGHT = new Set(['users', 'target', 'measured', 'ack', 'lag', 'acked', 'failed']);

function workerRow(id) {
  let row = workerRows.get(id);
  if (!row) {
    const tr = element('tr');
    tr.dataset.worker = id;
    row = { tr };
    for (const name of WORKER_CELLS) {
      const td = element('td', RIGHT.has(name) ? 'r' : '');
      row[name] = td;
      tr.append(td);
    }
    row.health.className = 'health-cell';
    row.badge = element('span', 'health');
    row.note = element('span', 'health-note');
    row.health.append(row.badge, row.note);
    workerRows.set(id, row);
  }
  return row;
}

function describeUsers(w) {
  if (!w.userCount) return 'none';
  return `${count(w.users?.from)}–${count(w.users?.to)} (${count(w.userCount)})`;
}

/** The same range as the events name it, for the cell's tooltip: "USER_0001 … USER_0300". */
function describeUserIds(w) {
  return w.userCount ? `${userId(w.users?.from)} … ${userId(w.users?.to)}` : '';
}

export function renderWorkers(workers = []) {
  const tbody = $('worker-rows');
  const sorted = [...workers].sort((a, b) =>
    (a.state === 'live' ? 0 : 1) - (b.state === 'live' ? 0 : 1) || a.id.localeCompare(b.id, undefined, { numeric: true }));
  const seen = new Set();
  sorted.forEach((w, i) => {
    seen.add(w.id);
    const row = workerRow(w.id);
    const live = w.state === 'live';
    if (row.tr.dataset.state !== w.state) row.tr.dataset.state = w.state;
    setText(row.id, w.id);
    setText(row.host, w.host ?? DASH);
    setText(row.users, describeUsers(w));
    const ids = describeUserIds(w);
    if (row.users.title !== ids) row.users.title = ids;
    setText(row.target, rate(w.targetRate));
    setText(row.measured, rate(w.measuredRate));
    setText(row.ack, live ? duration(w.ackLatencyP99Ms) : DASH);
    setText(row.lag, live ? duration(w.sendLagMs) : DASH);
    setText(row.acked, count(w.acked));
    setText(row.failed, count(w.failed));
    const health = !live ? 'lost' : w.draining ? 'draining' : w.producing === false ? 'idle' : 'live';
    if (row.badge.dataset.state !== health) row.badge.dataset.state = health;
    const liveText = { draining: 'stopping, delivering held-back events', idle: 'live, not producing', live: 'live' };
    setText(row.badge, live ? liveText[health] : `lost ${ago(w.lostSecondsAgo)}`);
    setText(row.note, live ? (w.lastError ? `last error: ${w.lastError}` : '') : (w.lostReason ?? ''));
    row.tr.title = w.pid ? `pid ${w.pid} · epoch ${w.epoch}` : '';
    if (tbody.children[i] !== row.tr) tbody.insertBefore(row.tr, tbody.children[i] ?? null);
  });
  for (const [id, row] of workerRows) {
    if (!seen.has(id)) {
      row.tr.remove();
      workerRows.delete(id);
    }
  }
  const empty = tbody.querySelector('tr.empty');
  if (empty && workers.length) empty.remove();
  if (!workers.length && !tbody.children.length) {
    const tr = element('tr', 'empty');
    const td = element('td', '', 'no workers registered');
    td.colSpan = WORKER_CELLS.length;
    tr.append(td);
    tbody.append(tr);
  }
}
