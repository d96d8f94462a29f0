package dev.rlcompress.env;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs whole episodes: the one episode loop behind training-time evaluation and the evaluator. Episode
 * k is reset with seed {@code seed + k}, so a (seed, episodes) pair names a fixed set of start states.
 */
public final class Rollouts {
  private Rollouts() {}

  /** Return and length of one finished episode. */
  public record Episode(double totalReturn, int length) {}

  /**
   * @param observer receives every observation the agent acts on (null for none)
   */
  public static Episode[] run(Env env, Agent agent, int episodes, long seed, Consumer<float[]> observer) {
    return runWhile(env, agent, episodes, seed, observer == null ? null : o -> {
      observer.accept(o);
      return true;
    });
  }

  /**
   * As {@link #run}, but {@code observer} (null for none) may stop the rollouts: once it returns false
   * for an observation, no further step is taken, and the episodes finished until then are returned
   * (the one cut short is not). For collecting a fixed number of states: a long game (an Atari game
   * lasts up to 27,000 steps) need not be played to its end once there are enough.
   */
  public static Episode[] runWhile(Env env, Agent agent, int episodes, long seed, Predicate<float[]> observer) {
    List<Episode> out = new ArrayList<>(episodes);
    boolean discrete = env.actionSpace() instanceof Space.Discrete;
    for (int k = 0; k < episodes; k++) {
      float[] obs = env.reset(seed + k);
      double ret = 0;
      int len = 0;
      while (true) {
        if (observer != null && !observer.test(obs)) return out.toArray(new Episode[0]);
        Step s = discrete ? env.step(agent.discreteAction(obs)) : env.step(agent.continuousAction(obs));
        ret += s.reward();
        len++;
        obs = s.observation();
        if (s.done()) break;
      }
      out.add(new Episode(ret, len));
    }
    return out.toArray(new Episode[0]);
  }

  public static double meanReturn(Episode[] eps) {
    double s = 0;
    for (Episode e : eps) s += e.totalReturn();
    return eps.length == 0 ? Double.NaN : s / eps.length;
  }
}
