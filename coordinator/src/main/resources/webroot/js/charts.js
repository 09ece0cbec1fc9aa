// The two uPlot charts and their data: at most the last 10 minutes, one point a second, kept as
// columns (what uPlot draws) and trimmed on every append, so an hour-long session costs what a
// ten-minute one does. A chart is rebuilt only when its set of series changes (a worker appears or
// has had no data for the whole window); otherwise each second is one setData().

import uPlot from '../vendor/uplot/uPlot.esm.js';
import { clock, duration, rate, tick } from './format.js';
import { plannedCourse } from './shape.js';

const WINDOW_SECONDS = 600;
/** A longer silence between two points is drawn as a gap. */
const GAP_SECONDS = 5;
const AXIS = { stroke: '#66727f', grid: { stroke: '#eef1f5', width: 1 }, ticks: { stroke: '#e2e6ec', width: 1 } };
const NO_POINTS = { show: false };
const WORKER_COLOURS = ['#2a9d8f', '#d08c3a', '#8e6cc4', '#c0607f', '#6b9a3a', '#3f8fb5', '#a0785a', '#5c6bc0'];

/** A y range from 0 to a little above the largest value, so the lines never touch the top. */
function fromZero(_u, _min, max) {
  return [0, max > 0 ? max * 1.15 : 10];
}

/** At least a minute wide, so the first seconds after start-up do not stretch across the chart. */
function atLeastAMinute(_u, min, max) {
  return min == null ? [min, max] : [Math.min(min, max - 60), max];
}

function baseOptions(size, yLabel, yValues) {
  return {
    ...size,
    // No zooming: a live chart that redraws every second would fight it. The legend is a key; the
    // current values are in the tiles above.
    cursor: { drag: { x: false, y: false } },
    legend: { live: false },
    scales: { x: { time: true, range: atLeastAMinute }, y: { auto: true, range: fromZero } },
    axes: [
      { ...AXIS, space: 90, size: 30, values: (_u, splits) => splits.map((t) => clock(t * 1000)) },
      { ...AXIS, label: yLabel, labelSize: 18, size: 64, values: (_u, splits) => splits.map(yValues) },
    ],
  };
}

/** The size a chart gets: its container's, less the legend under the plot. */
function sizeIn(el, plot) {
  const legend = plot?.root.querySelector('.u-legend')?.offsetHeight ?? 24;
  return { width: Math.max(300, el.clientWidth), height: Math.max(80, el.clientHeight - legend) };
}

/** Keeps a chart sized to its container (the layout decides the size; the chart follows). */
function follow(el, chart) {
  new ResizeObserver(() => chart.resize()).observe(el);
}

/**
 * Total measured rate against the target, and each worker's rate. While a traffic shape runs, its
 * planned course from now to its end (or 10 minutes ahead, the server's horizon) is drawn too (dashed, ahead of the other lines).
 */
export class ThroughputChart {
  constructor(el) {
    this.el = el;
    this.plan = [[], []];
    this.t = [];
    this.target = [];
    this.measured = [];
    this.workers = new Map(); // id -> rates aligned with t, null where the worker was absent
    this.colours = new Map();
    this.plot = null;
    this.draw(true);
    follow(el, this);
  }

  /** Replaces everything with the coordinator's history (GET /api/history points). */
  reset(points) {
    this.t = [];
    this.target = [];
    this.measured = [];
    this.workers = new Map();
    for (const p of points) {
      this.append(p.t, p.target, p.measured, p.workers ?? {}, false);
    }
    this.draw(true);
  }

  /** Adds one status document (live workers only: a lost worker's line ends). */
  add(status) {
    const rates = {};
    for (const w of status.workers ?? []) {
      if (w.state === 'live') rates[w.id] = w.measuredRate;
    }
    const structural = this.append(status.timeMillis, status.targetRate, status.measuredRate, rates, true);
    this.plan = plannedCourse(status.shape);
    // Where the drawn plan ends (epoch ms), for scripts and tests: the canvas itself cannot be read.
    const until = this.plan[0].length ? String(Math.round(this.plan[0][this.plan[0].length - 1] * 1000)) : '';
    if (this.el.dataset.planUntil !== until) this.el.dataset.planUntil = until;
    this.draw(structural);
  }

  append(timeMillis, target, measured, workerRates, live) {
    const t = timeMillis / 1000;
    const last = this.t[this.t.length - 1];
    if (last !== undefined && t <= last) return false;
    let structural = false;
    if (last !== undefined && t - last > GAP_SECONDS) {
      // The feed was away: a row of nulls breaks the lines instead of bridging the gap.
      this.t.push(last + 1);
      this.target.push(null);
      this.measured.push(null);
      for (const rates of this.workers.values()) rates.push(null);
    }
    const n = this.t.length;
    this.t.push(t);
    this.target.push(target);
    this.measured.push(measured);
    for (const [id, rates] of this.workers) {
      rates.push(id in workerRates ? workerRates[id] : null);
    }
    for (const id of Object.keys(workerRates)) {
      if (!this.workers.has(id)) {
        const rates = new Array(n).fill(null);
        rates.push(workerRates[id]);
        this.workers.set(id, rates);
        structural = true;
      }
    }
    let drop = 0;
    while (drop < this.t.length && this.t[drop] < t - WINDOW_SECONDS) drop++;
    if (drop > 0) {
      this.t.splice(0, drop);
      this.target.splice(0, drop);
      this.measured.splice(0, drop);
      for (const rates of this.workers.values()) rates.splice(0, drop);
    }
    for (const [id, rates] of this.workers) {
      if (rates.every((r) => r === null)) {
        this.workers.delete(id);
        structural = true;
      }
    }
    return live && structural;
  }

  colour(id) {
    if (!this.colours.has(id)) {
      this.colours.set(id, WORKER_COLOURS[this.colours.size % WORKER_COLOURS.length]);
    }
    return this.colours.get(id);
  }

  /** The columns uPlot draws: the past, then the planned course's times with only the plan filled in. */
  data() {
    const ids = [...this.workers.keys()].sort();
    const [planT, planRates] = this.plan;
    const last = this.t[this.t.length - 1];
    // The plan starts at the newest point; drawn from there on, after the past's times.
    const ahead = planT.findIndex((t) => last === undefined || t > last);
    const futureT = ahead < 0 ? [] : planT.slice(ahead);
    const nothing = new Array(futureT.length).fill(null);
    const pastPlan = new Array(this.t.length).fill(null);
    if (futureT.length && pastPlan.length) pastPlan[pastPlan.length - 1] = planRates[0];
    return [
      this.t.concat(futureT),
      this.measured.concat(nothing),
      this.target.concat(nothing),
      pastPlan.concat(ahead < 0 ? [] : planRates.slice(ahead)),
      ...ids.map((id) => this.workers.get(id).concat(nothing)),
    ];
  }

  draw(rebuild) {
    const ids = [...this.workers.keys()].sort();
    if (this.plot && !rebuild && this.plot.series.length === 4 + ids.length) {
      this.plot.setData(this.data());
      return;
    }
    const value = (_u, v) => (v == null ? '–' : `${rate(v)} /s`);
    const opts = baseOptions(sizeIn(this.el, this.plot), 'events / s', tick);
    opts.series = [
      { value: (_u, v) => (v == null ? '–' : new Date(v * 1000).toLocaleTimeString()) },
      { label: 'measured (acknowledged)', stroke: '#2c5fb8', width: 2, fill: 'rgba(44, 95, 184, 0.07)', points: NO_POINTS, value },
      { label: 'target', stroke: '#8a94a3', width: 1.5, dash: [6, 4], points: NO_POINTS, value },
      { label: 'planned (shape)', stroke: '#d0506a', width: 1.5, dash: [3, 3], points: NO_POINTS, value },
      ...ids.map((id) => ({ label: id, stroke: this.colour(id), width: 1, points: NO_POINTS, value })),
    ];
    this.plot?.destroy();
    this.plot = new uPlot(opts, this.data(), this.el);
  }

  resize() {
    this.plot?.setSize(sizeIn(this.el, this.plot));
  }
}

/** Kafka acknowledgement latency and send lag, from the live feed only (the history has no latencies). */
export class LatencyChart {
  constructor(el) {
    this.el = el;
    this.columns = [[], [], [], []];
    const value = (_u, v) => (v == null ? '–' : duration(v));
    const opts = baseOptions(sizeIn(el, null), 'ms', tick);
    opts.series = [
      { value: (_u, v) => (v == null ? '–' : new Date(v * 1000).toLocaleTimeString()) },
      { label: 'ack p50', stroke: '#7fb0cf', width: 1.5, points: NO_POINTS, value },
      { label: 'ack p99', stroke: '#2c5fb8', width: 2, points: NO_POINTS, value },
      { label: 'send lag p99', stroke: '#d08c3a', width: 1.5, points: NO_POINTS, value },
    ];
    this.plot = new uPlot(opts, this.columns, el);
    this.resize();
    follow(el, this);
  }

  add(status) {
    const t = status.timeMillis / 1000;
    const [times, p50, p99, lag] = this.columns;
    if (times.length && t <= times[times.length - 1]) return;
    const latency = status.latency ?? {};
    if (times.length && t - times[times.length - 1] > GAP_SECONDS) {
      times.push(times[times.length - 1] + 1);
      [p50, p99, lag].forEach((c) => c.push(null));
    }
    times.push(t);
    p50.push(latency.ackP50Ms ?? null);
    p99.push(latency.ackP99Ms ?? null);
    lag.push(latency.sendLagP99Ms ?? null);
    let drop = 0;
    while (drop < times.length && times[drop] < t - WINDOW_SECONDS) drop++;
    if (drop > 0) this.columns.forEach((c) => c.splice(0, drop));
    this.plot.setData(this.columns);
  }

  resize() {
    this.plot.setSize(sizeIn(this.el, this.plot));
  }
}
