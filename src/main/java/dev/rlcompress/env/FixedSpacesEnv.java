package dev.rlcompress.env;

/**
 * An environment whose observation and action spaces are known when it is made: the classic-control
 * tasks and LunarLander. They pass their spaces to the constructor instead of each overriding the two
 * getters; MuJoCo tasks read theirs from the loaded model and extend {@link AbstractEnv} directly.
 */
abstract class FixedSpacesEnv extends AbstractEnv {
  private final Space observationSpace;
  private final Space actionSpace;

  FixedSpacesEnv(String id, int maxEpisodeSteps, double successThreshold, Space observationSpace, Space actionSpace) {
    super(id, maxEpisodeSteps, successThreshold);
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
  }

  @Override
  public final Space observationSpace() {
    return observationSpace;
  }

  @Override
  public final Space actionSpace() {
    return actionSpace;
  }
}
