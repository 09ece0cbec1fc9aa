// A running traffic shape's planned course, so the throughput chart can draw where the target is
// going. The coordinator computes it (coordinator/.../rate/ShapeCourse.java, from the same TrafficShape
// that drives the workers) and sends it in each status document as shape.plan: points [epoch ms, rate]
// to join with straight lines, from now to the shape's end or 10 minutes ahead. The page keeps no copy
// of the shapes' formulas.

/** The course as [times in s, rates], the columns uPlot draws. Empty when there is no shape. */
export function plannedCourse(shape) {
  const points = shape?.plan ?? [];
  return [points.map(([t]) => t / 1000), points.map(([, r]) => r)];
}
