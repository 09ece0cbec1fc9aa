// clickstream dashboard: what a load-test operator keeps open while a test runs.
//
// Where the data comes from (all from the coordinator that serves this page):
//  - GET /api/events: server-sent events, event "status", whose data is the GET /api/status document,
//    pushed once a second. Every number, banner and table row on the page is drawn from it.
//  - GET /api/history: on each (re)connection, up to the last 10 minutes of target, measured and
//    per-worker rates, so the throughput chart starts full. Latencies have no history: that chart
//    starts when the page opens.
//  - GET /api/meta, once at start: the schema's event types (their order in the mix table) and user-id
//    format, from the Java classes that define them, so the page keeps no copy.
//  - The controls call PUT /api/rate, POST /api/pause and POST /api/resume, the API curl uses.
// With a CONTROL_TOKEN on the server, see api.js and token.js.

import { call, withAccessToken } from './api.js';
import { LatencyChart, ThroughputChart } from './charts.js';
import { renderControls, setupControls } from './controls.js';
import { StatusStream } from './stream.js';
import { renderHeader, renderKpis, renderMix, renderProblems, renderTotals, renderWorkers, useMeta } from './view.js';

const throughput = new ThroughputChart(document.getElementById('throughput-chart'));
const latency = new LatencyChart(document.getElementById('latency-chart'));

function render(status) {
  renderHeader(status);
  renderProblems(status.problems);
  renderKpis(status);
  renderControls(status);
  renderMix(status);
  renderTotals(status);
  renderWorkers(status.workers);
  throughput.add(status);
  latency.add(status);
}

async function loadHistory() {
  try {
    const history = await call('GET', withAccessToken('/api/history'));
    throughput.reset(history.points ?? []);
  } catch (e) {
    console.warn(`chart history unavailable: ${e.message}`);
  }
}

const CONNECTION_TEXT = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', locked: 'token needed' };

function showConnection(state) {
  document.body.dataset.connection = state;
  const pill = document.getElementById('conn');
  pill.dataset.state = state;
  document.getElementById('conn-text').textContent = CONNECTION_TEXT[state] ?? state;
}

// Until the operator enters the token, say so rather than "reconnecting".
document.addEventListener('clickstream:token-needed', () => showConnection('locked'));
setupControls(render);
try {
  useMeta(await call('GET', '/api/meta'));
} catch (e) {
  // The page still works: the mix table then lists types in the order they first appear.
  console.warn(`schema constants unavailable: ${e.message}`);
}
new StatusStream({ onStatus: render, onConnected: loadHistory, onState: showConnection }).start();
