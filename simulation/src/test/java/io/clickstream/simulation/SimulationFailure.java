package io.clickstream.simulation;

/** An invariant broken: what and where. The run adds the seed, the step and the schedule so far. */
final class SimulationFailure extends RuntimeException {
  final String invariant;

  SimulationFailure(String invariant, String detail) {
    super(invariant + ": " + detail);
    this.invariant = invariant;
  }
}
