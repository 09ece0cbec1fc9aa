// Number and time formatting: thousands separators, units, and a dash for "no value yet".

const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export const DASH = '–';

const isNumber = (n) => typeof n === 'number' && Number.isFinite(n);

/** 1234567 -> "1,234,567" (in the browser's locale). */
export function count(n) {
  return isNumber(n) ? whole.format(n) : DASH;
}

/** Events per second: whole numbers, except below 10/s where a decimal says something. */
export function rate(n) {
  if (!isNumber(n)) return DASH;
  return n > 0 && n < 10 ? oneDecimal.format(n) : whole.format(n);
}

/** Milliseconds with a unit that keeps about three significant digits: "0.8 ms", "42 ms", "1.3 s". */
export function duration(ms) {
  if (!isNumber(ms)) return DASH;
  if (ms < 10) return `${oneDecimal.format(ms)} ms`;
  if (ms < 10_000) return `${whole.format(ms)} ms`;
  if (ms < 600_000) return `${oneDecimal.format(ms / 1000)} s`;
  return `${oneDecimal.format(ms / 60_000)} min`;
}

/** A ratio as a percentage: 0.1234 -> "12.3 %". */
export function percent(ratio) {
  return isNumber(ratio) ? `${oneDecimal.format(ratio * 100)} %` : DASH;
}

/** Seconds ago in words: "42 s ago", "3 min 5 s ago", "1 h 12 min ago". */
export function ago(seconds) {
  if (!isNumber(seconds)) return DASH;
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s ago`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`;
}

/** Wall-clock time of an epoch-millisecond instant: "14:03:07". */
export function clock(millis) {
  return isNumber(millis) ? clockFormat.format(new Date(millis)) : DASH;
}

/** "ADD_TO_CART" -> "add to cart". */
export function eventTypeLabel(type) {
  return String(type).toLowerCase().replaceAll('_', ' ');
}

/** Axis tick labels: thousands separators, and a decimal only where the ticks are that close. */
export function tick(n) {
  if (!isNumber(n)) return '';
  return Number.isInteger(n) ? whole.format(n) : oneDecimal.format(n);
}
