// A running traffic shape's planned course, so the throughput chart can draw where the target is
// going. The formulas are the coordinator's (coordinator/.../rate/TrafficShape.java; the README's
// "Traffic shapes" table); the status document gives the shape's parameters, start and end.

/** Events per second t ms after the shape started (its final rate from the end on). */
export function rateAt(shape, t) {
  const duration = shape.durationSeconds * 1000;
  if (t >= duration) return shape.finalRate;
  switch (shape.shape) {
    case 'step': {
      const level = Math.min(shape.steps, Math.floor((Math.max(0, t) * (shape.steps + 1)) / duration));
      return shape.from + ((shape.to - shape.from) * level) / shape.steps;
    }
    case 'ramp':
      return shape.from + ((shape.to - shape.from) * Math.max(0, t)) / duration;
    case 'sine': {
      const mid = (shape.min + shape.max) / 2;
      const amplitude = (shape.max - shape.min) / 2;
      return mid - amplitude * Math.cos((2 * Math.PI * Math.max(0, t)) / (shape.periodSeconds * 1000));
    }
    case 'spike': {
      const at = shape.atSeconds * 1000;
      return t >= at && t < at + shape.spikeSeconds * 1000 ? shape.peak : shape.base;
    }
    default:
      return null;
  }
}

/**
 * The course from nowMillis to the shape's end (at most horizonSeconds ahead), one point a second, as
 * [times in s, rates]. Empty when there is no shape.
 */
export function plannedCourse(shape, nowMillis, horizonSeconds) {
  const times = [];
  const rates = [];
  if (!shape) return [times, rates];
  const end = Math.min(shape.endMillis, nowMillis + horizonSeconds * 1000);
  for (let t = nowMillis; t <= end; t += 1000) {
    times.push(t / 1000);
    rates.push(rateAt(shape, t - shape.startMillis));
  }
  if (times.length && times[times.length - 1] < end / 1000) {
    times.push(end / 1000);
    rates.push(rateAt(shape, end - shape.startMillis));
  }
  return [times, rates];
}
