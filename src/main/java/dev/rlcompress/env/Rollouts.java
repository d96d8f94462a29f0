package dev.rlcompress.env;

import java.util.function.Consumer;

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
    Episode[] out = new Episode[episodes];
    boolean discrete = env.actionSpace() instanceof Space.Discrete;
    for (int k = 0; k < episodes; k++) {
      float[] obs = env.reset(seed + k);
      double ret = 0;
      int len = 0;
      while (true) {
        if (observer != null) observer.accept(obs);
        Step s = discrete ? env.step(agent.discreteAction(obs)) : env.step(agent.continuousAction(obs));
        ret += s.reward();
        len++;
        obs = s.observation();
        if (s.done()) break;
      }
      out[k] = new Episode(ret, len);
    }
    return out;
  }

  public static double meanReturn(Episode[] eps) {
    double s = 0;
    for (Episode e : eps) s += e.totalReturn();
    return eps.length == 0 ? Double.NaN : s / eps.length;
  }
}
